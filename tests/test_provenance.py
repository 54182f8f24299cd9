"""The provenance table lists every number of the model with a source and a status.

The oracle is the data files themselves, read here with tomllib (through
``reference_solver.data_file``) and walked by this file's own code: every sub-table holding a
``value`` is one sourced number (``helpers/core/parameters.py`` documents the format). So the
table is judged against the raw files, not against the package's loaded catalogues: a number the
table dropped, duplicated, moved or mislabelled makes these tests fail.
"""
from collections import Counter

from helpers.core.parameters import STATUSES
from helpers.evidence.provenance import provenance_table, status_counts
from helpers.presentation.provenance_view import provenance_table_html, provenance_table_markdown

from reference_solver import data_file

ROWS = provenance_table()
PAPERS, COURSE_SOURCES = data_file("bibliography.toml"), data_file("course_sources.toml")


def _numbers(table, prefix=""):
    """(dotted name, raw inline table) of every sourced number in a parsed TOML table, in file order."""
    for key, item in table.items():
        if isinstance(item, dict):
            if "value" in item:
                yield f"{prefix}{key}", item
            else:
                yield from _numbers(item, f"{prefix}{key}.")


def _expected():
    """(group, where, name, raw number, population or None) for every number of the data files, in catalogue order."""
    for filename, group in (("routes.toml", "route"), ("disposition_models.toml", "disposition model"),
                            ("effect_ranges.toml", "effect range")):
        for key, table in data_file(filename).items():
            for name, raw in _numbers(table):
                yield group, key, name, raw, table.get("population")
    for drug, table in data_file("norketamine.toml").items():
        for name, raw in _numbers(table):
            yield f"{table['label']} model", drug, name, raw, None
    for filename, group in (("blood_sites.toml", "blood and effect site"),
                            ("variability.toml", "between-patient variability")):
        for key, table in data_file(filename).items():
            for name, raw in _numbers(table, f"{key}."):
                yield group, key, name, raw, None


EXPECTED = list(_expected())


def _sources(raw):
    return (raw["source"],) if isinstance(raw["source"], str) else tuple(raw["source"])


def test_data_files_hold_a_plausible_number_of_numbers():
    # guards the oracle itself: the walk above finds the numbers (more than 100 of them today)
    assert len(EXPECTED) > 100
    assert {group for group, *_ in EXPECTED} >= {"route", "disposition model", "effect range", "norketamine model",
                                                   "blood and effect site", "between-patient variability"}


def test_one_row_per_number_of_the_data_files_in_catalogue_order():
    assert len(ROWS) == len(EXPECTED)
    assert [(r["group"], r["where"], r["name"]) for r in ROWS] == [(g, w, n) for g, w, n, _, _ in EXPECTED]


def test_every_row_carries_its_numbers_value_unit_status_and_citations():
    for row, (group, where, name, raw, population) in zip(ROWS, EXPECTED):
        place = f"{group} {where}.{name}"
        assert row["value"] == float(raw["value"]), place
        assert row["unit"] == raw["unit"], place
        assert row["status"] == raw["status"], place
        assert tuple(row["source_keys"]) == _sources(raw), place
        assert row["note"] == raw.get("note", ""), place
        assert row["confirmed"] == raw.get("confirmed", ""), place
        assert row["value_text"].startswith(f"{float(raw['value']):g}"), place
        low, high = raw.get("low"), raw.get("high")
        if low is not None and high is not None and low != high:
            assert f"{low:g}" in row["value_text"] and f"{high:g}" in row["value_text"], place
        else:
            assert row["value_text"] == f"{float(raw['value']):g}", place
        if population is not None:      # routes and disposition models name their own population
            assert row["population"] == population, place
        assert row["population"].strip(), place


def test_citations_name_each_cited_paper_or_course_source():
    for row, (_, where, name, raw, _) in zip(ROWS, EXPECTED):
        assert _sources(raw), (where, name)
        for key in _sources(raw):
            assert key in PAPERS or key in COURSE_SOURCES, (where, name, key)
            if key in COURSE_SOURCES:
                entry = COURSE_SOURCES[key]
                assert f"source {entry['number']}" in row["sources"], (where, name, key, row["sources"])
            else:
                entry = PAPERS[key]
                surname = entry["authors"].split(",")[0].split()[0]
                assert surname in row["sources"] and str(entry["year"]) in row["sources"], \
                    (where, name, key, row["sources"])
        assert row["sources"].count(";") == len(_sources(raw)) - 1, (where, name, row["sources"])


def test_statuses_are_valid_and_counted_from_the_files():
    assert all(row["status"] in STATUSES for row in ROWS)
    from_files = Counter(raw["status"] for *_, raw, _ in EXPECTED)
    assert status_counts() == {status: from_files.get(status, 0) for status in STATUSES}
    assert sum(status_counts().values()) == len(EXPECTED)


def test_every_non_measured_number_has_a_note():
    for row in ROWS:
        if row["status"] != "measured":
            assert row["note"].strip(), f"{row['where']}.{row['name']} ({row['status']}) has no note"


def test_renderers_have_a_row_per_number():
    assert provenance_table_html().count("<tr>") == len(EXPECTED) + 1
    assert len(provenance_table_markdown().splitlines()) == len(EXPECTED) + 2


def test_kamp_numbers_say_they_were_read_in_code_transcriptions_only():
    rows = [r for r in ROWS if r["where"] == "kamp2020" and r["name"].endswith(("_l_70kg", "_l_per_h_70kg"))]
    assert len(rows) == 6
    assert all("transcription" in r["confirmed"] and "table was not available" in r["confirmed"] for r in rows)
