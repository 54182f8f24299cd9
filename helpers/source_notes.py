"""What the course documents say about each route, for the explorer's source panel.

Texts are paraphrases kept in ``data/route_notes.toml``; the bioavailability
line is generated from the route catalogue so the panel and the model can
never disagree.
"""
from __future__ import annotations

import html
from functools import lru_cache

from .bibliography import cite
from .checks import check_choice
from .parameters import load_data_file
from .routes import ROUTES

__all__ = ["ROUTE_NOTES", "bioavailability_sentence", "source_panel_html", "panel_sources"]

ROUTE_NOTES: dict[str, list[dict]] = {key: table["notes"] for key, table in
                                      load_data_file("route_notes.toml").items()}

# Source 001's table, in its own rounding, with the studies it names.
_LEVINE_TABLE = {
    "iv_bolus": ("100%", ()), "iv_infusion": ("100%", ()),
    "intramuscular": ("~93%", ("clements1982",)), "intranasal": ("~45%", ("yanagihara2003",)),
    "sublingual": ("19-50%", ("chong2009", "yanagihara2003")),
    "oral": ("17-27%", ("chong2009", "clements1982")), "rectal": ("~30%", ("yanagihara2003",)),
}


_ROUTE_NOUN = {"iv_bolus": "IV route", "iv_infusion": "IV route", "intramuscular": "intramuscular route",
               "intranasal": "nasal route", "sublingual": "sublingual route", "oral": "oral route",
               "rectal": "rectal route"}


def bioavailability_sentence(route: str) -> str:
    """One sentence: source 001's bioavailability for the route, its cited studies, and the model's value."""
    route = check_choice("route", route, ROUTES)
    chosen = ROUTES[route]
    quoted, studies = _LEVINE_TABLE[route]
    cited = f", citing {' and '.join(cite(s) for s in studies)}" if studies else ""
    text = f"Levine (source 001) puts the bioavailability of the {_ROUTE_NOUN[route]} at {quoted}{cited}."
    if chosen.has_swallowed_part:
        text += (f" The model uses {chosen.bioavailability:.0%} when {chosen.default_swallowed_fraction:.0%} "
                 f"of the dose is swallowed (the swallowed part only gets the oral "
                 f"{ROUTES['oral'].bioavailability:.0%}).")
    elif chosen.is_intravenous:
        text += " By definition all of an IV dose reaches the blood."
    else:
        text += f" The model uses {chosen.bioavailability:.0%}."
    return text


def _notes_for(route: str) -> list[dict]:
    notes = list(ROUTE_NOTES.get(route, []))
    if not ROUTES[route].is_intravenous:
        notes += ROUTE_NOTES["common_non_iv"]
    return notes


def panel_sources(route: str) -> list[str]:
    """Citation keys the panel names for a route (course documents and studies)."""
    keys = ["levine_actify", *_LEVINE_TABLE[route][1]]
    keys += [note["source"] for note in _notes_for(route)]
    return list(dict.fromkeys(keys))


def source_panel_html(route: str) -> str:
    """HTML for the source panel of one route."""
    return _panel_html(check_choice("route", route, ROUTES))


@lru_cache(maxsize=None)   # pure and called on every explorer change; one entry per route
def _panel_html(route: str) -> str:
    items = [f"<li><b>Bioavailability.</b> {html.escape(bioavailability_sentence(route))}</li>"]
    for note in _notes_for(route):
        label = "<b>Claim</b> (clinic marketing page): " if note.get("claim") else ""
        items.append(f"<li>{label}{html.escape(note['text'])} "
                     f"<span class='krl-cite'>({html.escape(cite(note['source']))})</span></li>")
    return (f"<div class='krl-sources'><h4>What the sources say: {html.escape(ROUTES[route].label)}</h4>"
            f"<ul>{''.join(items)}</ul>"
            "<p><i>Paraphrased; titles and publishers are listed in notebook 00.</i></p></div>")
