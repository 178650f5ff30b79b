from django.apps import AppConfig


class ReturnkitConfig(AppConfig):
    name = "returnkit"
    verbose_name = "Return kit and turn-in"
