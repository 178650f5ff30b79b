"""Franchised dealers where a vehicle can be turned in."""

from __future__ import annotations

from django.db import models

from leases.models.fields import US_STATES
from leases.models.vehicles import Make


class DealerQuerySet(models.QuerySet["Dealer"]):
    """The questions other apps ask about dealers: which take vehicles back, of which make, where."""

    def active(self) -> DealerQuerySet:
        """Dealers taking vehicles back now (operations switch one off with ``is_active``)."""
        return self.filter(is_active=True)

    def franchised_for(self, make: Make | int) -> DealerQuerySet:
        """Dealers franchised for ``make`` (a Make or its id)."""
        return self.filter(makes=make)

    def within_box(self, *, latitudes: tuple, longitudes: tuple) -> DealerQuerySet:
        """Dealers inside a latitude/longitude box, each given as (low, high), bounds included."""
        return self.filter(latitude__range=latitudes, longitude__range=longitudes)

    def with_codes(self, codes) -> DealerQuerySet:
        """Dealers with one of these dealer codes."""
        return self.filter(code__in=codes)


class Dealer(models.Model):
    code = models.SlugField(max_length=20, unique=True, help_text="The dealer's code with the lessor.")
    name = models.CharField(max_length=120)
    address_line1 = models.CharField("address", max_length=120)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=US_STATES)
    zip_code = models.CharField("ZIP code", max_length=10, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    phone = models.CharField(max_length=30)
    hours = models.TextField(help_text="Opening hours as shown to lessees, one line per day range.")
    makes = models.ManyToManyField(Make, related_name="dealers", help_text="Makes it is franchised for.")
    is_active = models.BooleanField(default=True)

    objects = DealerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    @property
    def address_lines(self) -> list[str]:
        return [self.address_line1, f"{self.city}, {self.state} {self.zip_code}"]

