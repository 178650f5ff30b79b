"""Spanish as written in the United States (es-US): Spanish words and dates in words, but US
numbers ("35,375 millas", "$1,234.56"), as on the lessee's statements and odometer."""

DATE_FORMAT = r"j \d\e F \d\e Y"  # 21 de diciembre de 2026
SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
TIME_FORMAT = "g:i a"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
FIRST_DAY_OF_WEEK = 0  # Sunday, as US calendars show it
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
