"""The route catalogue and disposition models: every number sourced, values as the sources state."""
import pytest

from helpers import EFFECT_RANGES, MODELS, ROUTES
from helpers.evidence.bibliography import BIBLIOGRAPHY, PAPERS, cite

ALL_PARAMETERS = [(f"route {key}", p) for key, r in ROUTES.items() for p in r.parameters.values()] + \
                 [(f"model {key}", p) for key, m in MODELS.items() for p in m.parameters.values()] + \
                 [(f"effect {key}", p) for key, e in EFFECT_RANGES.items() for p in e.parameters.values()]

# Source 001 (Levine, Actify Neurotherapies), bioavailability table, as printed there.
LEVINE_TABLE = {"intramuscular": (0.93, 0.93), "intranasal": (0.45, 0.45), "sublingual": (0.19, 0.50),
                "oral": (0.17, 0.27), "rectal": (0.30, 0.30)}


@pytest.mark.parametrize("where, parameter", ALL_PARAMETERS, ids=[f"{w}.{p.name}" for w, p in ALL_PARAMETERS])
def test_every_number_has_a_resolvable_source_and_a_status(where, parameter):
    assert parameter.source, f"{where}.{parameter.name} has no source"
    for key in parameter.source:
        assert key in BIBLIOGRAPHY, f"{where}.{parameter.name} cites unknown key {key!r}"
    if parameter.status != "measured":
        assert len(parameter.note) > 20, f"{where}.{parameter.name} is {parameter.status} but unexplained"
    assert "PRELIMINARY" not in parameter.note


def test_every_cited_paper_has_authors_year_journal_and_an_identifier_or_says_why_not():
    for key, entry in PAPERS.items():
        assert entry["authors"] and entry["year"] and entry["journal"], key
        assert cite(key, style="full").startswith(entry["authors"])
        if not (entry.get("pmid") or entry.get("doi")):
            # an honest gap: the record states that no identifier could be confirmed
            assert "not seen" in entry.get("note", "") or "not found" in entry.get("note", ""), key


@pytest.mark.parametrize("route", list(ROUTES))
def test_route_sources_resolve_and_bioavailability_is_a_fraction(route):
    chosen = ROUTES[route]
    assert all(key in BIBLIOGRAPHY for key in chosen.sources)
    assert 0.0 < chosen.bioavailability <= 1.0
    low, high = chosen.bioavailability_range
    assert low <= chosen.bioavailability <= high
    if chosen.has_swallowed_part:
        assert 0.0 < chosen.mucosal_availability <= 1.0


@pytest.mark.parametrize("route, expected", LEVINE_TABLE.items())
def test_bioavailability_agrees_with_source_001(route, expected):
    low, high = expected
    assert low - 1e-9 <= ROUTES[route].bioavailability <= high + 1e-9
    if low < high:   # a published range: the catalogue's range is the same one
        assert ROUTES[route].bioavailability_range == pytest.approx((low, high), abs=0.011)


def test_iv_routes_deliver_the_whole_dose():
    assert ROUTES["iv_bolus"].bioavailability == 1.0 == ROUTES["iv_infusion"].bioavailability


def test_kamp_parameters_match_the_publication():
    kamp = MODELS["kamp2020"]
    assert kamp.volumes_l_70kg == pytest.approx((25.0, 56.0, 157.0))
    assert kamp.clearance_l_min_70kg * 60 == pytest.approx(84.0)
    assert tuple(q * 60 for q in kamp.flows_l_min_70kg) == pytest.approx((161.0, 79.0))


def test_rectal_and_im_rates_say_they_are_not_published():
    for route in ("rectal", "intramuscular"):
        note = ROUTES[route].parameters["ka_per_min"].note
        assert "No" in note and "published" in note
