"""ZIP code centroids and distances, from the ``zipcodes`` package (no network)."""

from __future__ import annotations

import math
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import zipcodes
from django.conf import settings

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.0


@dataclass(frozen=True)
class ZipPoint:
    zip_code: str
    latitude: float
    longitude: float
    city: str
    state: str
    time_zone: str


@lru_cache(maxsize=4096)
def zip_point(zip_code: str) -> ZipPoint | None:
    """The centroid of a five-digit ZIP code, or None when the package does not know it.

    The first call loads the package's table (about 0.2 s); later calls are dictionary-fast.
    """
    zip5 = (zip_code or "").strip()[:5]
    if len(zip5) != 5 or not zip5.isdigit():
        return None
    found = zipcodes.matching(zip5)
    if not found:
        return None
    info = found[0]
    return ZipPoint(
        zip_code=zip5,
        latitude=float(info["lat"]),
        longitude=float(info["long"]),
        city=info["city"],
        state=info["state"],
        time_zone=info.get("timezone") or settings.TIME_ZONE,
    )


def zone_for_zip(zip_code: str) -> zoneinfo.ZoneInfo:
    """The local time zone at a ZIP code: a dealer's slots are in the dealer's own time."""
    point = zip_point(zip_code)
    try:
        return zoneinfo.ZoneInfo(point.time_zone if point else settings.TIME_ZONE)
    except zoneinfo.ZoneInfoNotFoundError:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def miles_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(point: ZipPoint, radius_miles: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """A latitude/longitude box that contains the circle, so the database drops far rows first."""
    d_lat = radius_miles / MILES_PER_DEGREE_LATITUDE
    d_lng = radius_miles / (MILES_PER_DEGREE_LATITUDE * max(0.01, math.cos(math.radians(point.latitude))))

    def q(value: float) -> Decimal:
        return Decimal(f"{value:.6f}")

    return (
        q(point.latitude - d_lat),
        q(point.latitude + d_lat),
        q(point.longitude - d_lng),
        q(point.longitude + d_lng),
    )
