"""A quote line's words in the reader's language (quotes.rules), the engine untouched."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from quotes import engine, rules

CASES = [json.loads(line) for line in Path(__file__).with_name("quotes_public.jsonl").read_text().splitlines()]


def quotes_of_the_public_cases():
    for case in CASES:
        try:
            yield engine.compute_quote(*engine.parse_request(json.loads(json.dumps(case["request"]))))
        except engine.QuoteError:
            continue


def quotes_touching_every_rule():
    """Events that take each line down each of its branches (waiver or not, deposit applied or not...)."""
    base = json.loads(json.dumps(next(c for c in CASES if c["request"]["event"]["kind"] == "early_termination")))
    terms = base["request"]["terms"]
    near = int(terms["start_odometer"]) + 7  # within any allowance
    variants = [
        ({"wear_waiver": "0", "purchased_miles": 0}, {"kind": "turn_in", "odometer": 10**6, "wear_charges": "300"}),
        (
            {"wear_waiver": "500"},
            {
                "kind": "turn_in",
                "odometer": near,
                "wear_charges": "800",
                "missing_equipment": "150",
                "past_due": "99.10",
                "property_tax": "210.55",
            },
        ),
        ({"purchased_miles": 3000, "purchased_mile_rate": "0.15"}, {"kind": "turn_in", "odometer": near}),
        (
            {"purchased_miles": 3000},
            {
                "kind": "early_termination",
                "odometer": 10**6,
                "realized_value": "1",
                "date": base["request"]["event"]["date"],
            },
        ),
        (
            {},
            {
                "kind": "early_termination",
                "odometer": near,
                "realized_value": "999999",
                "date": base["request"]["event"]["date"],
            },
        ),
        ({"security_deposit": "500"}, {"kind": "buyout", "apply_security_deposit": True}),
        ({"security_deposit": "500"}, {"kind": "buyout", "date": base["request"]["event"]["date"]}),
    ]
    for extra_terms, event in variants:
        request = {"terms": {**terms, **extra_terms}, "event": event}
        yield engine.compute_quote(*engine.parse_request(request))


def every_line():
    quotes = [*quotes_of_the_public_cases(), *quotes_touching_every_rule()]
    lines = [line for quote in quotes for line in quote.lines]
    assert {line.rule_code for line in lines} >= {"mileage_over", "mileage_within", "price_residual"}
    return lines


def test_in_english_every_line_reads_word_for_word_as_the_engine_wrote_it():
    with translation.override("en"):
        for line in every_line():
            assert rules.line_rule(line) == line.rule, line.rule_code
            assert rules.line_label(line) == line.label, line.code


def test_every_rule_code_the_engine_uses_has_its_words():
    used = {line.rule_code for line in every_line()}
    assert used <= set(rules.RULES)
    # Every sentence but the bill's own (quotes.rules "wear_none_found") is reached above.
    assert set(rules.RULES) - used == {"wear_none_found"}
    assert {line.code for line in every_line()} == set(rules.LABELS)


def test_in_spanish_a_line_reads_in_spanish_with_dollars_and_a_spanish_date():
    [quote] = [q for q in quotes_of_the_public_cases() if q.kind == "early_termination"][:1]
    balance = next(line for line in quote.lines if line.code == "remaining_balance")
    with translation.override("es"):
        words = rules.line_rule(balance)
        label = rules.line_label(balance)
    assert words.startswith(("Su saldo ajustado del arrendamiento de $", "El valor obtenido por el vehículo, $"))
    assert " de 20" in words and "Your" not in words
    assert label == "Saldo restante"


def test_stored_lines_from_before_rule_codes_keep_their_words_but_plain_titles_translate():
    old = {"code": "excess_wear", "label": "Excess wear", "rule": "Old words", "amount": "0.00"}
    counted = {"code": "excess_mileage", "label": "Excess mileage (12 mi at $0.25)", "rule": "Old", "amount": "3.00"}
    with translation.override("es"):
        assert rules.line_rule(old) == "Old words"
        assert rules.line_label(old) == "Desgaste excesivo"
        assert rules.line_label(counted) == "Excess mileage (12 mi at $0.25)"  # its numbers were not kept


def test_long_date_in_each_language():
    day = dt.date(2026, 12, 21)
    with translation.override("en"):
        assert rules.long_date(day) == "December 21, 2026"
    with translation.override("es"):
        assert rules.long_date(day) == "21 de diciembre de 2026"
        assert engine.usd("1234.56") == "$1,234.56"


@pytest.mark.parametrize("case", CASES[:6], ids=lambda c: c["request"]["event"]["kind"])
def test_the_command_line_answer_is_unchanged_and_carries_no_codes(case):
    request = json.dumps(case["request"])
    out = subprocess.run(
        [sys.executable, "-m", "quotes.engine"], input=request, capture_output=True, text=True, check=False
    )
    if case["expect"] == "error":
        assert out.returncode == 2
        return
    answer = json.loads(out.stdout)
    # The public cases hold codes and amounts; the words are the engine's English labels, as before.
    assert [(line["code"], line["amount"]) for line in answer["lines"]] == [
        (line["code"], line["amount"]) for line in case["expect"]["lines"]
    ]
    assert answer["total"] == case["expect"]["total"]
    assert all(set(line) == {"code", "label", "amount"} for line in answer["lines"])
    assert not any(ord(char) > 127 and char not in "×÷−" for line in answer["lines"] for char in line["label"])


@pytest.mark.django_db
def test_a_spanish_reader_s_quote_page_and_pdf_give_the_lines_in_spanish(client, personas, settings, tmp_path):
    from pypdf import PdfReader

    from portal.models import User
    from quotes.pdf import quote_pdf
    from quotes.services import quote_create

    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_TODAY = "2026-12-01"
    User.objects.filter(pk=personas.owner.pk).update(language="es")
    personas.owner.refresh_from_db()
    end = personas.lease.end_date
    event = engine.TurnIn(date=end, odometer=personas.lease.start_odometer + 900)
    quote = quote_create(lease=personas.lease, user=personas.owner, event=event, today=dt.date(2026, 12, 1))
    assert {line["rule_code"] for line in quote.lines} >= {"mileage_within", "disposition_fee"}

    client.force_login(personas.owner)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("quotes:detail", args=[personas.lease.public_id, quote.public_id])).content.decode()
    assert "El cargo por devolución que indica su contrato: $" in page
    assert "The turn-in fee in your lease" not in page

    pdf = PdfReader(io.BytesIO(quote_pdf(quote)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Cargo por disposición del vehículo" in " ".join(text.split())
    assert pdf.trailer["/Root"]["/Lang"] == "es"
