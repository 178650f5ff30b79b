from django.apps import AppConfig


class WearConfig(AppConfig):
    name = "wear"
    verbose_name = "Wear standard, inspections and disputes"
