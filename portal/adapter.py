from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Dealer staff land on their day's turn-ins; lessees on My Vehicles."""
        from returnkit.turnin.models import DealerStaff

        if DealerStaff.objects.filter(user=request.user).exists():
            return reverse("turnin:dealer_day")
        return super().get_login_redirect_url(request)
