"""Issue 15: the wear standard's own words (rule names, rule texts, size answers) in Spanish for a
Spanish reader, on the pages, the estimate PDF and the dispute outcome email; English for everyone
else, and English wherever the Spanish is blank."""

from __future__ import annotations

import importlib
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader

from tests.factories import lease_ending_in, make_lessee, make_user, photo_upload
from tests.spanish import by_reader, english_words, speaks_spanish
from tests.wear.helpers import decide, dispute, rule, signed_in
from wear.models import WearBand, WearCategory, WearDisputeItem, WearItem, WearRule, WearStandard
from wear.standard import standard_copy

pytestmark = pytest.mark.django_db

migration = importlib.import_module("wear.migrations.0006_spanish_words")


def reading(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]+>", " ", html))


@pytest.fixture
def ending(db):
    """A Spanish-speaking lessee whose lease ends in 20 days (the pre-inspection is open)."""
    user = make_user("lessee@example.com")
    speaks_spanish(user)
    lease = lease_ending_in(20, lessee=make_lessee(user), wear_waiver=Decimal("250.00"))
    return user, lease


def add(client: Client, lease, area: str, code: str, *, band: str = "", photo: bool = True):
    r = rule(code)
    data = {"rule": r.pk}
    if band:
        data[f"r{r.pk}-band"] = r.bands.get(code=band).pk
    if photo:
        data[f"r{r.pk}-photos"] = photo_upload()
    return client.post(reverse("wear:pre_area", args=[lease.public_id, area]), data)


# --- the standard's words -------------------------------------------------------------------------


def test_every_word_of_the_shipped_standard_has_its_spanish():
    standard = WearStandard.objects.current()
    rules = WearRule.objects.filter(category__standard=standard)
    assert rules.count() == 18
    assert not rules.filter(name_es="").exists() and not rules.filter(rule_text_es="").exists()
    assert not WearBand.objects.filter(rule__category__standard=standard, label_es="").exists()
    assert not WearCategory.objects.filter(standard=standard, name_es="").exists()
    assert rule("tread").rule_text_es.startswith("Mida en el punto menos profundo.")
    assert rule("dent").bands.get(code="inside").label_es == "Cabe dentro del Cuadrado de desgaste"


def test_the_reader_language_picks_the_words_and_blank_spanish_falls_back_to_english():
    dent = rule("dent")
    with translation.override("es"):
        assert (dent.local_name, dent.bands.get(code="larger").local_label) == (
            "Abolladura o golpe",
            "Es más grande que dos cuadrados uno al lado del otro",
        )
    with translation.override("en"):
        assert dent.local_name == "Dent or ding" and dent.local_rule_text == dent.rule_text
    WearRule.objects.filter(pk=dent.pk).update(name_es="", rule_text_es="")
    dent.refresh_from_db()
    with translation.override("es"):
        assert (dent.local_name, dent.local_rule_text) == ("Dent or ding", dent.rule_text)


def test_spanish_wording_is_all_or_nothing_on_a_rule():
    dent = rule("dent")
    dent.rule_text_es = ""
    with pytest.raises(ValidationError, match="together"):
        dent.full_clean()


def test_a_copy_keeps_the_spanish_and_changing_it_is_no_new_version():
    """Spanish wording says the same rule: it is edited in place (no version), and items keep what they were shown."""
    copy = standard_copy(standard=WearStandard.objects.current())
    copied = WearRule.objects.get(category__standard=copy, code="dent")
    assert copied.name_es == "Abolladura o golpe"
    assert copied.bands.get(code="larger").label_es == "Es más grande que dos cuadrados uno al lado del otro"
    assert WearStandard.objects.current().version == 1  # the copy is unpublished; nothing else changed


def test_items_recorded_before_get_the_spanish_of_the_words_they_were_priced_with(ending):
    """The data migration fills items' Spanish only where their English is the shipped English."""
    user, lease = ending
    client = reading(signed_in(user), "es")
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    assert add(client, lease, "left", "dent", band="up-to-double").status_code == 302
    assert add(client, lease, "interior", "stain", band="inside", photo=False).status_code == 302
    dent, stain = WearItem.objects.order_by("id")
    assert dent.rule_name_es == "Abolladura o golpe"  # snapshotted when recorded
    WearItem.objects.update(rule_name_es="", rule_text_es="", band_label_es="", category_name_es="")
    WearItem.objects.filter(pk=stain.pk).update(rule_text="Worded by operations, once.")
    migration.spanish_words(apps, None)
    dent.refresh_from_db()
    stain.refresh_from_db()
    assert (dent.rule_name_es, dent.band_label_es, dent.category_name_es) == (
        "Abolladura o golpe",
        "Es más grande que el cuadrado, pero dos cuadrados uno al lado del otro lo cubrirían",
        "Carrocería",
    )
    assert stain.rule_name_es == "" and stain.rule_text_es == ""
    with translation.override("es"):
        assert stain.local_rule_name == "Stain"  # its own English, not Spanish of other words


# --- pages ----------------------------------------------------------------------------------------


def test_the_area_page_asks_in_spanish_and_the_estimate_keeps_the_words_an_item_was_priced_with(ending):
    user, lease = ending
    client = reading(signed_in(user), "es")
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    page = visible(client.get(reverse("wear:pre_area", args=[lease.public_id, "left"])).content.decode())
    assert "Abolladura o golpe" in page and "Cabe dentro del Cuadrado de desgaste" in page
    assert "Dent or ding" not in page and "It fits inside" not in page
    assert add(client, lease, "wheel_lf", "tread", band="worn").status_code == 302
    # Operations reword the rule afterwards: the item reads as it was priced.
    WearRule.objects.filter(pk=rule("tread").pk).update(name_es="Banda gastada")
    estimate = client.get(reverse("wear:pre_estimate", args=[lease.public_id])).content.decode()
    assert "Profundidad de la banda de rodamiento" in estimate and "Banda gastada" not in estimate
    assert escape("La banda está por debajo de la marca de 4/32 de pulgada") in estimate
    english = reading(signed_in(user), "en").get(reverse("wear:pre_estimate", args=[lease.public_id]))
    assert "Tread depth" in english.content.decode() and "Profundidad" not in english.content.decode()


# --- the estimate PDF -----------------------------------------------------------------------------


def test_a_spanish_lessees_estimate_pdf_is_in_spanish(ending):
    user, lease = ending
    client = reading(signed_in(user), "es")
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    assert add(client, lease, "left", "dent", band="larger").status_code == 302
    assert add(client, lease, "glass", "crack").status_code == 302
    client.post(reverse("wear:pre_estimate", args=[lease.public_id]))
    response = client.get(reverse("wear:pre_pdf", args=[lease.public_id]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Abolladura o golpe" in text and "Grieta" in text and "Preinspección propia" in text
    assert english_words(text) == set(), text
    assert str(reader.metadata.get("/Title", "")).startswith("Preinspección")


def test_an_english_lessees_estimate_pdf_stays_in_english(ending):
    user, lease = ending
    user.language = "en"
    user.save(update_fields=["language"])
    client = signed_in(user)
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    assert add(client, lease, "glass", "crack").status_code == 302
    client.post(reverse("wear:pre_estimate", args=[lease.public_id]))
    pdf = client.get(reverse("wear:pre_pdf", args=[lease.public_id])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Crack" in text and "your wear estimate" in text and "Grieta" not in text


# --- the condition report, disputes and the outcome email -----------------------------------------


def test_the_report_and_dispute_pages_show_the_inspectors_items_in_spanish(billed):
    speaks_spanish(billed.owner)
    client = reading(signed_in(billed.owner), "es")
    report = visible(client.get(reverse("wear:report", args=[billed.lease.public_id])).content.decode())
    assert "Grieta" in report and "Pieza exterior faltante o rota" in report
    assert "Crack" not in report and "Missing or broken" not in report
    new = visible(client.get(reverse("wear:dispute_new", args=[billed.lease.public_id])).content.decode())
    assert "Disputar “Grieta” (Vidrios, $425.00)" in new


def test_the_dispute_outcome_email_is_in_each_readers_language(billed, mailoutbox, django_capture_on_commit_callbacks):
    speaks_spanish(billed.owner)
    assert dispute(billed).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        decide(billed, WearDisputeItem.objects.get(), "waived", "Las fotos de la entrega muestran la grieta.")
    mails = by_reader(mailoutbox)
    spanish, english = mails["owner@example.com"], mails["co@example.com"]
    assert spanish is not english
    assert "Grieta (Vidrios): Cargo anulado." in spanish.body
    html = spanish.alternatives[0].content
    assert "<strong>Grieta</strong> (Vidrios): Cargo anulado." in html
    for text in (spanish.subject, spanish.body, re.sub(r"<[^>]+>", " ", html)):
        assert english_words(text) == set(), text
    assert "Crack (Glass): Charge waived." in english.body


# --- what the wear pages say back ---------------------------------------------------------------


def test_a_spanish_reader_is_told_in_spanish_what_was_saved_and_what_was_refused(ending):
    user, lease = ending
    client = reading(signed_in(user), "es")
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    refused = add(client, lease, "glass", "crack", photo=False)
    assert refused.status_code == 400
    assert "Agregue una foto" in refused.content.decode()
    saved = client.post(
        reverse("wear:pre_area", args=[lease.public_id, "glass"]),
        {"rule": rule("crack").pk, f"r{rule('crack').pk}-photos": photo_upload()},
        follow=True,
    )
    assert "Guardado." in saved.content.decode()
    estimate = client.post(reverse("wear:pre_estimate", args=[lease.public_id]), follow=True).content.decode()
    assert "Su estimado está guardado." in estimate
    for page in (refused, saved):
        assert not re.search(r"\b(photo|Saved|Add)\b", visible(page.content.decode()))


def test_a_spanish_reader_who_sends_a_dispute_without_a_reason_is_told_in_spanish(billed):
    speaks_spanish(billed.owner)
    key = billed.crack.public_id.hex
    client = reading(signed_in(billed.owner), "es")
    refused = client.post(reverse("wear:dispute_new", args=[billed.lease.public_id]), {f"pick_{key}": "on"})
    assert refused.status_code == 400 and "Díganos por qué" in refused.content.decode()
    sent = client.post(
        reverse("wear:dispute_new", args=[billed.lease.public_id]),
        {f"pick_{key}": "on", f"reason_{key}": "La grieta ya estaba al recibir el auto."},
        follow=True,
    )
    assert "Recibimos su disputa." in sent.content.decode()


# --- the admin ------------------------------------------------------------------------------------


def test_operations_edit_both_languages_and_half_a_spanish_rule_is_refused():
    staff = signed_in(make_user("ops@example.com", is_staff=True, is_superuser=True))
    dent = rule("dent")
    url = reverse("admin:wear_wearrule_change", args=[dent.pk])
    page = staff.get(url).content.decode()
    assert 'name="name_es"' in page and 'name="rule_text_es"' in page and 'name="bands-0-label_es"' in page
    assert "Abolladura o golpe" in page
    data = {
        "category": dent.category_id, "code": dent.code, "order": dent.order, "name": dent.name,
        "rule_text": dent.rule_text, "name_es": "Abolladura", "rule_text_es": "", "measure": dent.measure,
        "charge_kind": dent.charge_kind, "amount": dent.amount, "cap_per_panel": dent.cap_per_panel,
        "bands-TOTAL_FORMS": 0, "bands-INITIAL_FORMS": 0,
    }  # fmt: skip
    refused = staff.post(url, data)
    assert refused.status_code == 200 and "together" in refused.content.decode()
    dent.refresh_from_db()
    assert dent.name_es == "Abolladura o golpe"
    data["rule_text_es"] = "Una abolladura pequeña es desgaste normal."
    assert staff.post(url, data).status_code == 302
    dent.refresh_from_db()
    assert (dent.name_es, dent.rule_text_es) == ("Abolladura", "Una abolladura pequeña es desgaste normal.")
    assert WearStandard.objects.count() == 1  # a wording change: no new version


def test_the_standard_put_back_after_a_flush_has_its_spanish_too():
    from tests.factories import ensure_wear_standard

    WearStandard.objects.all().delete()
    ensure_wear_standard()
    assert rule("crack").name_es == "Grieta"
    assert not WearBand.objects.filter(label_es="").exists()
