"""``User.objects.get(pk=…)``, which every signed-in request makes, runs one SQL statement made once
per process (portal.models.UserManager.get): the same user, the same errors, one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_user_by_primary_key_is_the_user_the_orm_reads():
    made = make_user("by-pk@example.com", first_name="Ana", language="es")
    with CaptureQueriesContext(connection) as ctx:
        found = User.objects.get(pk=made.pk)
    assert len(ctx) == 1 and f'"portal_user"."id" = {made.pk}' in ctx[0]["sql"]
    expected = User.objects.filter(pk=made.pk).get()
    assert found == expected and not found._state.adding and found._state.db == "default"
    assert {f.attname: getattr(found, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
    }
    assert User.objects.get(pk=str(made.pk)) == made  # as the session holds it


def test_a_missing_user_is_does_not_exist_and_other_lookups_are_the_usual_ones():
    made = make_user("other-lookups@example.com")
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=made.pk + 1000)
    assert User.objects.get(email="other-lookups@example.com") == made
    assert User.objects.get(pk=made.pk, is_active=True) == made
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=made.pk, is_active=False)
