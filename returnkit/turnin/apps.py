from django.apps import AppConfig


class TurnInConfig(AppConfig):
    name = "returnkit.turnin"
    label = "turnin"
    verbose_name = "Turn-ins"
