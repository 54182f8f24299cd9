"""A clinical case of :data:`helpers.CASES` as an explorer state (its settings and its pinned curves).

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from dataclasses import replace

from ..core.checks import check_choice
from ..evidence.cases import CASES
from .state import PIN_STYLES, ExplorerState, curve_kwargs, default_state
from .validation import check_state, state_from_settings

__all__ = ["load_case_state"]


def load_case_state(key: str, base: ExplorerState | None = None) -> ExplorerState:
    """The state of a clinical case: its settings on the defaults, and its pins (projector mode of ``base``
    kept, so loading a case on the projector keeps the large text)."""
    case = CASES[check_choice("case", key, CASES)]
    start = default_state()
    if base is not None:
        start = replace(start, projector=base.projector)
    state = state_from_settings(start, **case.settings)
    pins = []
    for i, pin in enumerate(case.pins):
        curve = curve_kwargs(state_from_settings(state, **{"sampling_site": state.sampling_site, **pin}))
        pins.append({**curve, "style": PIN_STYLES[i % len(PIN_STYLES)]})
    return check_state(replace(state, pins=tuple(pins)))
