"""Issue 15: every page a lessee reads, in Spanish with no English left, and in English with no Spanish.

The owner of ``tests.world.build_world`` (one of everything) walks every page the access table
lets them GET, once in each language. ``NOT_YET_SPANISH`` lists, honestly, the pages not yet
converted: it only shrinks (a page on it that has become Spanish fails too, so the list stays true).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.portal.test_access import ACCESS
from tests.world import build_world, client_for

pytestmark = pytest.mark.django_db

# English a converted Spanish page must never show ("Total" and "No" are Spanish too).
ENGLISH_WORDS = re.compile(
    r"\b(Your|Request|Schedule|miles|Print|Vehicle|Vehicles|Balance|Pay|Payment|Quote|Lease|Back to|"
    r"Download|Due|Status|Send|Cancel|Save|Choose|Book|the|and|you)\b"
)
# Spanish an English page must never show.
SPANISH_WORDS = re.compile(r"\b(Su|su|Solicitar|millas|arrendamiento|Cotización|cotización|Saldo|Vehículo|usted)\b")

# Pages still in English for Spanish readers (issue 15 phase 2 goes on).
NOT_YET_SPANISH = {
}  # fmt: skip


def lessee_pages(world) -> list[tuple[str, list]]:
    """(URL name, args) of every page the owner may GET (PDFs, calendars and photos are checked apart)."""
    return [(name, rule.args(world)) for name, rule in ACCESS.items() if rule.get.get("owner") == 200]


def visible_text(html: str) -> str:
    """What a reader sees: no tags, scripts or styles, no language switch, no lessor name or address."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<button[^>]*name="language".*?</button>', " ", html)
    html = re.sub(r'(?s)<aside class="help-links.*?</aside>', " ", html)  # the help centre's own (its articles)
    # A receipt quotes the authorization in the words agreed to (the world's payment: English).
    html = re.sub(r'(?s)<p[^>]*id="authorized-words".*?</p>', " ", html)
    # A secure message is in the words its writer chose (the world's: English).
    html = re.sub(r'(?s)<p class="[^"]*message-body[^"]*">.*?</p>', " ", html)
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    for value in settings.LESSOR.values():
        for line in str(value or "").splitlines():
            if line.strip():
                text = text.replace(line.strip(), " ")
    return re.sub(r"\s+", " ", text)


def read_all(language: str) -> dict[str, str]:
    world = build_world()
    owner = world.users["owner"]
    owner.language = language
    owner.save(update_fields=["language"])
    client = client_for(world, "owner")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    texts = {}
    for name, args in lessee_pages(world):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, name
        texts[name] = visible_text(html)
    return texts


def test_converted_pages_show_no_english_to_a_spanish_reader():
    texts = read_all("es")
    leaks = {name: sorted(set(ENGLISH_WORDS.findall(t))) for name, t in texts.items() if name not in NOT_YET_SPANISH}
    assert {name: words for name, words in leaks.items() if words} == {}
    still_listed = {name for name in NOT_YET_SPANISH & texts.keys() if not ENGLISH_WORDS.search(texts[name])}
    assert still_listed == set(), "these pages are Spanish now: take them off NOT_YET_SPANISH"


def test_no_spanish_on_any_page_for_an_english_reader():
    texts = read_all("en")
    leaks = {name: sorted(set(SPANISH_WORDS.findall(t))) for name, t in texts.items()}
    assert {name: words for name, words in leaks.items() if words} == {}
