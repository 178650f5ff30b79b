"""Find dealers that can take a lessee's vehicle back, nearest first."""

from __future__ import annotations

from dataclasses import dataclass

from leases.models import Dealer, Make
from returnkit.turnin.geo import ZipPoint, bounding_box, miles_between

RADIUS_CHOICES = (10, 25, 50, 100)
DEFAULT_RADIUS = 25


@dataclass(frozen=True)
class DealerMatch:
    dealer: Dealer
    miles: float


def dealers_near(*, origin: ZipPoint, radius_miles: int, make: Make | int) -> list[DealerMatch]:
    """Active dealers franchised for ``make`` within ``radius_miles`` of ``origin``, nearest first."""
    lat_lo, lat_hi, lng_lo, lng_hi = bounding_box(origin, radius_miles)
    candidates = (
        Dealer.objects.active()
        .within_box(latitudes=(lat_lo, lat_hi), longitudes=(lng_lo, lng_hi))
        .franchised_for(make)
        .distinct()
    )
    matches = []
    for dealer in candidates:
        miles = miles_between(origin.latitude, origin.longitude, float(dealer.latitude), float(dealer.longitude))
        if miles <= radius_miles:
            matches.append(DealerMatch(dealer=dealer, miles=miles))
    matches.sort(key=lambda match: (match.miles, match.dealer.name))
    return matches
