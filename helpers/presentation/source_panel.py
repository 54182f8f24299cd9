"""The explorer's source panel: what the course documents say about the selected route, as HTML."""
from __future__ import annotations

import html
from functools import cache

from ..core.checks import check_choice
from ..evidence.bibliography import cite
from ..evidence.route_notes import bioavailability_sentence, notes_for
from ..model.routes import ROUTES

__all__ = ["source_panel_html"]


def source_panel_html(route: str) -> str:
    """HTML for the source panel of one route."""
    return _panel_html(check_choice("route", route, ROUTES))


@cache   # pure and called on every explorer change; one entry per route
def _panel_html(route: str) -> str:
    items = [f"<li><b>Bioavailability.</b> {html.escape(bioavailability_sentence(route))}</li>"]
    for note in notes_for(route):
        label = "<b>Claim</b> (clinic marketing page): " if note.get("claim") else ""
        items.append(f"<li>{label}{html.escape(note['text'])} "
                     f"<span class='krl-cite'>({html.escape(cite(note['source']))})</span></li>")
    return (f"<div class='krl-sources'><h4>What the sources say: {html.escape(ROUTES[route].label)}</h4>"
            f"<ul>{''.join(items)}</ul>"
            "<p><i>Paraphrased; titles and publishers are listed in notebook 00.</i></p></div>")
