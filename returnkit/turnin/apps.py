from django.apps import AppConfig


class TurnInConfig(AppConfig):
    name = "returnkit.turnin"
    label = "turnin"
    verbose_name = "Turn-ins"

    def ready(self) -> None:
        # Dealer staff record condition reports for the vehicles they check in (wear).
        from returnkit.turnin.wear_role import dealer_recorder
        from wear.access import RECORDER_ROLES

        if dealer_recorder not in RECORDER_ROLES:
            RECORDER_ROLES.append(dealer_recorder)
