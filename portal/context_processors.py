from django.conf import settings
from django.http import HttpRequest


def lessor(request: HttpRequest) -> dict:
    return {"LESSOR": settings.LESSOR}
