"""Words lessees use for the same thing: one table for query expansion on every database.

Each group is a set of interchangeable phrases; a query that contains one of them also
searches for the others. Phrases are lower case, words separated by single spaces.
"""

SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("turn in", "return", "drop off", "hand back", "give back", "bring back"),
    ("buyout", "payoff", "purchase", "buy"),
    ("tire", "tyre", "tires", "tyres"),
    ("plates", "plate", "tags", "tag", "license plate"),
    ("extension", "extend", "more time", "keep longer", "longer"),
    ("early return", "end early", "terminate", "termination", "break"),
    ("deposit", "security deposit"),
    ("options", "choices", "choose"),
    ("bill", "invoice", "statement"),
    ("pay", "payment"),
    ("miles", "mileage"),
    ("dealer", "dealership"),
    ("car", "vehicle", "auto"),
    ("two factor", "2fa", "mfa", "authenticator", "two step"),
    ("co lessee", "cosigner", "co signer", "joint"),
    ("dent", "ding", "scratch", "damage"),
    ("refund", "money back"),
    ("appointment", "booking", "schedule"),
    ("link", "connect", "add"),
    ("quote", "estimate"),
    ("fee", "charge", "cost", "penalty"),
    ("title", "pink slip"),
    ("password", "sign in", "log in", "login"),
    ("dispute", "disagree", "wrong", "challenge"),
)
