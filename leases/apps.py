from django.apps import AppConfig


class LeasesConfig(AppConfig):
    name = "leases"
    verbose_name = "Leases"

    def ready(self) -> None:
        from django.core import checks

        from leases.billing.checks import ach_settings_check

        checks.register(ach_settings_check)
