"""What the course documents say about each route, for the explorer's source panel.

Texts are paraphrases kept in ``data/route_notes.toml``; the bioavailability
line is generated from the route catalogue (``source_001`` and the model's
values in ``data/routes.toml``) so the panel and the model can never disagree.
"""
from __future__ import annotations

from ..core.checks import check_choice
from ..core.parameters import load_data_file
from ..model.routes import ROUTES
from .bibliography import cite

__all__ = ["ROUTE_NOTES", "COMMON_NON_IV", "bioavailability_sentence", "notes_for"]

_TABLES = load_data_file("route_notes.toml")
#: Notes shown for every route that does not go straight into the blood.
COMMON_NON_IV = "common_non_iv"
ROUTE_NOTES: dict[str, list[dict]] = {key: table["notes"] for key, table in _TABLES.items()}


def bioavailability_sentence(route: str) -> str:
    """One sentence: source 001's bioavailability for the route, its cited studies, and the model's value.

    Examples
    --------
    >>> print(bioavailability_sentence("rectal"))  # doctest: +NORMALIZE_WHITESPACE
    Levine (source 001) puts the bioavailability of the rectal route at ~30%, citing Yanagihara et al. 2003.
    The model uses 30%.
    """
    chosen = ROUTES[check_choice("route", route, ROUTES)]
    studies = chosen.source_001["studies"]
    cited = f", citing {' and '.join(cite(s) for s in studies)}" if studies else ""
    text = (f"Levine (source 001) puts the bioavailability of the {chosen.noun} at "
            f"{chosen.source_001['says']}{cited}.")
    if chosen.has_swallowed_part:
        text += (f" The model uses {chosen.bioavailability:.0%} when {chosen.default_swallowed_fraction:.0%} "
                 f"of the dose is swallowed (the swallowed part only gets the "
                 f"{chosen.swallowed_route.label.lower()} {chosen.swallowed_route.bioavailability:.0%}).")
    elif chosen.is_intravenous:
        text += " By definition all of an IV dose reaches the blood."
    else:
        text += f" The model uses {chosen.bioavailability:.0%}."
    return text


def notes_for(route: str) -> list[dict]:
    """The paraphrased notes shown for a route: its own, then those common to every non-IV route."""
    chosen = ROUTES[check_choice("route", route, ROUTES)]
    notes = list(ROUTE_NOTES.get(chosen.key, []))
    if not chosen.is_intravenous:
        notes += ROUTE_NOTES.get(COMMON_NON_IV, [])
    return notes
