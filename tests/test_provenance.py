"""The provenance table lists every number of the model with a source and a status."""
from helpers.core.parameters import STATUSES
from helpers.evidence.bibliography import BIBLIOGRAPHY
from helpers.evidence.effects import EFFECT_RANGES
from helpers.evidence.provenance import provenance_table, status_counts
from helpers.model.disposition import MODELS
from helpers.model.norketamine import METABOLITE_LABELS, METABOLITES
from helpers.model.population import VARIABILITY
from helpers.model.routes import ROUTES
from helpers.model.sites import BLOOD_SITE_NUMBERS
from helpers.presentation.provenance_view import provenance_table_html, provenance_table_markdown

ROWS = provenance_table()


def _catalogue():
    for group, items in (("route", ROUTES), ("disposition model", MODELS),
                         ("effect range", EFFECT_RANGES)):
        for key, item in items.items():
            for name, parameter in item.parameters.items():
                yield group, key, name, parameter
    for drug, numbers in METABOLITES.items():
        for name, parameter in numbers.items():
            yield f"{METABOLITE_LABELS[drug]} model", drug, name, parameter
    for name, parameter in BLOOD_SITE_NUMBERS.items():
        yield "blood and effect site", name.split(".")[0], name, parameter
    for name, parameter in VARIABILITY.items():
        yield "between-patient variability", name.split(".")[0], name, parameter


def test_row_count_equals_parameter_count():
    assert len(ROWS) == len(list(_catalogue()))


def test_every_catalogue_number_appears_with_its_value():
    by_place = {(r["group"], r["where"], r["name"]): r for r in ROWS}
    for group, key, name, parameter in _catalogue():
        row = by_place[(group, key, name)]
        assert row["value"] == parameter.value
        assert row["unit"] == parameter.unit


def test_sources_resolve_and_statuses_are_valid():
    for row in ROWS:
        assert row["source_keys"], row
        assert all(key in BIBLIOGRAPHY for key in row["source_keys"]), row
        assert row["sources"]
        assert row["status"] in STATUSES
        assert row["population"]


def test_every_non_measured_number_has_a_note():
    for row in ROWS:
        if row["status"] != "measured":
            assert row["note"].strip(), f"{row['where']}.{row['name']} ({row['status']}) has no note"


def test_renderers_have_a_row_per_number():
    assert provenance_table_html().count("<tr>") == len(ROWS) + 1
    assert len(provenance_table_markdown().splitlines()) == len(ROWS) + 2
    assert sum(status_counts().values()) == len(ROWS)


def test_kamp_numbers_say_they_were_read_in_code_transcriptions_only():
    rows = [r for r in ROWS if r["where"] == "kamp2020" and r["name"].endswith(("_l_70kg", "_l_per_h_70kg"))]
    assert len(rows) == 6
    assert all("transcription" in r["confirmed"] and "table was not available" in r["confirmed"] for r in rows)
