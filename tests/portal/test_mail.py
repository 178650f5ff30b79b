"""portal.mail: one template scheme for every email, the lessor and site URL in every context."""

from __future__ import annotations

import copy
from email.message import MIMEPart

import pytest
from django.conf import settings as django_settings

from portal import mail

EMAIL_TEMPLATES = django_settings.BASE_DIR / "templates" / "email"
SUFFIXES = ("_subject.txt", "_body.txt", "_body.html")


def test_every_email_template_is_one_of_a_subject_text_and_html_set():
    names, partials, strays = set(), [], []
    for path in EMAIL_TEMPLATES.rglob("*"):
        if path.is_dir():
            continue
        relative = path.relative_to(EMAIL_TEMPLATES).as_posix()
        if path.name.startswith("_"):
            partials.append(relative)  # included by the bodies
        elif relative.endswith(SUFFIXES):
            names.add(next(relative.removesuffix(s) for s in SUFFIXES if relative.endswith(s)))
        else:
            strays.append(relative)
    assert not strays, strays
    missing = [f"{name}{suffix}" for name in sorted(names) for suffix in SUFFIXES]
    assert [m for m in missing if not (EMAIL_TEMPLATES / m).exists()] == []
    assert {"billing/final_bill", "turnin/booked", "returnkit/kit", "returnkit/followup"} <= names


@pytest.fixture
def hello(settings, tmp_path):
    """An email ``test/hello`` in a template folder of its own."""
    folder = tmp_path / "email" / "test"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Hello\n  {{ name }}\n from {{ LESSOR.short_name }}\n")
    (folder / "hello_body.txt").write_text("Hi {{ name }}, see {{ site_url }}/x\n")
    (folder / "hello_body.html").write_text('<p>Hi {{ name }}, see <a href="{{ site_url }}/x">it</a></p>\n')
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    settings.SITE_URL = "https://lease-end.example.com"
    settings.LESSOR = {**settings.LESSOR, "short_name": "Acme Auto"}
    return "test/hello"


@pytest.mark.django_db  # send looks up each address's language (portal.language)
def test_send_renders_the_three_templates_with_the_lessor_and_site_url(hello, mailoutbox):
    part = MIMEPart()
    part.set_content("BEGIN:VCALENDAR", subtype="calendar", params={"method": "REQUEST"}, filename="a.ics")

    mail.send(
        hello,
        {"name": "Robin"},
        to=["robin@example.com"],
        attachments=[("a.pdf", b"%PDF-1.7", "application/pdf"), part],
        headers={"X-Test": "1"},
    )

    [message] = mailoutbox
    assert message.subject == "Hello Robin from Acme Auto"
    assert message.to == ["robin@example.com"]
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert message.body == "Hi Robin, see https://lease-end.example.com/x\n"
    assert message.alternatives[0] == (
        '<p>Hi Robin, see <a href="https://lease-end.example.com/x">it</a></p>\n',
        "text/html",
    )
    pdf, calendar = message.attachments
    assert pdf == ("a.pdf", b"%PDF-1.7", "application/pdf")
    assert calendar.get_content_type() == "text/calendar" and calendar.get_param("method") == "REQUEST"
    assert message.extra_headers == {"X-Test": "1"}


def test_nobody_to_send_to_sends_nothing(hello, mailoutbox):
    mail.send(hello, {"name": "Robin"}, to=[])
    assert mailoutbox == []


def test_the_subject_alone_for_a_portal_notice(hello):
    assert mail.subject(hello, {"name": "Robin"}) == "Hello Robin from Acme Auto"
