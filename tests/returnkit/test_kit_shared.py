"""Issue 16: the kit's pages every lessee of a lessor reads alike are laid out once per process (per
language, lessor wording and KIT_VERSION) and joined after each lessee's own pages; the joined PDF is
still one tagged document, numbered across the join."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from returnkit import kit as kit_module
from returnkit import render
from returnkit.services import kit_for_lease, kit_pdf_bytes
from tests.factories import lease_ending_in, make_lessee, make_user
from tests.returnkit.pdf import reader, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold():
    render.clear_shared()
    yield
    render.clear_shared()


def lease(language: str = "en", **lessee):
    return lease_ending_in(110, lessee=make_lessee(make_user(language=language), **lessee))


def layouts_for(*leases, today) -> tuple[int, list[bytes]]:
    """How many times the shared pages were laid out drawing these leases' kits, and the PDFs."""
    before = render.shared_layouts
    pdfs = [kit_pdf_bytes(kit_for_lease(lease, today=today)) for lease in leases]
    return render.shared_layouts - before, pdfs


def test_lessees_of_one_lessor_share_one_layout_and_each_kit_is_their_own(today):
    first, second, third = lease(first_name="Robin"), lease(first_name="Kim"), lease(first_name="Lee")
    laid_out, pdfs = layouts_for(first, second, third, today=today)
    assert laid_out == 1
    for lease_, pdf in zip((first, second, third), pdfs, strict=True):
        words = text(pdf)
        assert lease_.account_number in words
        assert lease_.primary_lessee.full_name in words
        assert "Excess wear guide" in words and "Paying at the end" in words
        others = {first, second, third} - {lease_}
        assert not any(other.account_number in words for other in others)


def test_a_new_language_lessor_wording_or_kit_version_lays_the_shared_pages_out_again(today, settings, monkeypatch):
    assert layouts_for(lease("en"), today=today)[0] == 1
    assert layouts_for(lease("es"), today=today)[0] == 1  # Spanish: its own
    assert layouts_for(lease("en"), lease("es"), today=today)[0] == 0  # both kept

    settings.LESSOR = {**settings.LESSOR, "payments_phone": "1-888-555-0199"}
    laid_out, [pdf] = layouts_for(lease("en"), today=today)
    assert laid_out == 1 and "1-888-555-0199" in text(pdf)

    settings.LESSOR = {**settings.LESSOR, "hours_es": "De lunes a sábado, de 9 a 6"}
    laid_out, [_, spanish] = layouts_for(lease("en"), lease("es"), today=today)
    assert laid_out == 1  # the Spanish hours changed the Spanish pages only
    assert "De lunes a sábado, de 9 a 6" in text(spanish)

    monkeypatch.setattr(kit_module, "KIT_VERSION", kit_module.KIT_VERSION + 1)
    assert layouts_for(lease("en"), today=today)[0] == 1


def test_the_shared_key_is_the_payloads_version_language_and_lessor_only(today, settings, monkeypatch):
    base = kit_for_lease(lease("en"), today=today).payload
    other_lessee = kit_for_lease(lease("en", first_name="Kim", address_line1="9 Oak Lane"), today=today).payload
    assert other_lessee["account_number"] != base["account_number"]
    assert render.shared_key(other_lessee) == render.shared_key(base)

    keys = {render.shared_key(base)}
    keys.add(render.shared_key(kit_for_lease(lease("es"), today=today).payload))
    settings.LESSOR = {**settings.LESSOR, "name": "Northwind Lease Trust"}
    keys.add(render.shared_key(kit_for_lease(lease("en"), today=today).payload))
    monkeypatch.setattr(kit_module, "KIT_VERSION", kit_module.KIT_VERSION + 1)
    keys.add(render.shared_key(kit_for_lease(lease("en"), today=today).payload))
    assert len(keys) == 4


def test_the_shared_pages_are_drawn_from_nothing_of_one_lessee(today):
    payload = kit_for_lease(lease("en", first_name="Robin", last_name="Okafor"), today=today).payload
    context = render.shared_context(payload)
    assert set(context["kit"]) == set(render.SHARED_KEYS) == {"version", "language", "lessor"}
    with translation.override("en"):
        html = render_to_string(render.SHARED_TEMPLATE, {**context, "page_total": 5})
    assert payload["account_number"] not in html and "Okafor" not in html
    assert payload["lessor"]["name"] in html


def test_the_joined_kit_is_one_tagged_document_over_every_page(today, tmp_path):
    pdf = kit_pdf_bytes(kit_for_lease(lease("en"), today=today))
    document = reader(pdf)
    root = document.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    numbers = [page["/StructParents"] for page in document.pages]
    assert len(set(numbers)) == len(document.pages) >= 5
    parents = tree["/ParentTree"]["/Nums"]
    assert set(numbers) <= set(parents[::2])

    tagged_pages = set()

    def walk(element):
        element = element.get_object()
        if isinstance(element, dict):
            if "/Pg" in element:
                tagged_pages.add(element.raw_get("/Pg").idnum)
            kids = element.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(tree)
    assert tagged_pages == {page.indirect_reference.idnum for page in document.pages}  # the shared pages too
    if shutil.which("pdfinfo"):
        path = tmp_path / "kit.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, flags=re.M)


def test_page_numbers_run_across_the_join_when_the_lessees_pages_run_longer(today):
    short = lease("en")
    long = lease("en")
    for n in range(45):  # a long What to bring list: the lessee's pages run to one more
        long.vehicle.equipment.create(name=f"Accessory {n}", quantity=1)
    for lease_ in (short, long):
        pdf = kit_pdf_bytes(kit_for_lease(lease_, today=today))
        pages = reader(pdf).pages
        footers = [re.findall(r"Page (\d+) of (\d+)", page.extract_text()) for page in pages]
        assert footers == [[(str(n), str(len(pages)))] for n in range(1, len(pages) + 1)]
        assert "Excess wear guide" in pages[-1].extract_text()
    assert len(reader(kit_pdf_bytes(kit_for_lease(long, today=today))).pages) > len(
        reader(kit_pdf_bytes(kit_for_lease(short, today=today))).pages
    )
