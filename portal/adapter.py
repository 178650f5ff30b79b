from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Dealer staff land on their day's turn-ins, inspectors on their reports; lessees on My Vehicles."""
        from returnkit.turnin.models import DealerStaff
        from wear.access import is_inspector

        if DealerStaff.objects.filter(user=request.user).exists():
            return reverse("turnin:dealer_day")
        if is_inspector(request.user):
            return reverse("wear:inspector_home")
        return super().get_login_redirect_url(request)
