"""The route explorer without widgets: its state, what it shows, and everything it can do.

An :class:`ExplorerSession` holds the current state and case, re-uses
simulations through a :class:`~helpers.explorer.curves.CurveCache`, and gives
the :class:`~helpers.explorer.curves.Scene` (every curve, band and shaded
period), the comparison table, the share code and the CSV export. Every change
goes through the one validator (:mod:`.validation`), so a refused change
leaves the session as it was. The dashboard (:class:`helpers.RouteExplorer`)
is this session plus widgets; lessons and scripts that only need the
explorer's numbers use :func:`session` and never load ipywidgets.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from dataclasses import replace

from . import export, share
from .cases import load_case_state
from .curves import CurveCache, Scene, build_scene
from .panels import comparison_rows
from .state import ExplorerState, default_state, describe, dose_mg_used, pinned, simulate_kwargs
from .validation import change, check_state, state_from_settings

__all__ = ["ExplorerSession", "session", "starting_state"]


def starting_state(state=None, case: str | None = None, **settings) -> ExplorerState:
    """The state ``explore(...)`` opens on: a whole ``state`` (dict or share code) or a clinical ``case``,
    with starting ``settings`` (keywords of :func:`helpers.explore`) on top."""
    if state is not None and case is not None:
        raise ValueError(f"give a state or a case, not both; got state={state!r:.40} and case={case!r}")
    if state is not None:
        start = share.decode(state) if isinstance(state, str) else share.state_from_versioned(state)
    elif case is not None:
        start = load_case_state(case)
    else:
        start = None
    return state_from_settings(start, **settings)


class ExplorerSession:
    """The explorer's state and what it shows, without widgets (see the module's docstring)."""

    def __init__(self, state: ExplorerState | None = None, case: str = ""):
        self.observers: list = []        # called with no argument after every change (a lesson keeps the settings)
        self.cache = CurveCache()
        self._state, self.case = check_state(state or default_state()), case
        self.scene: Scene = build_scene(self._state, self.cache)

    def apply(self, state: ExplorerState, case: str | None = None) -> Scene:
        """Show a (checked) state; ``case`` names the clinical case it came from ("" for none)."""
        self._state = check_state(state)
        self.case = self.case if case is None else case
        self.scene = build_scene(self._state, self.cache)
        for observer in self.observers:
            observer()
        return self.scene

    @property
    def explorer_state(self) -> ExplorerState:
        """The current :class:`~helpers.explorer.state.ExplorerState` (immutable)."""
        return self._state

    @property
    def state(self) -> dict:
        """Every control value and every pin, as a plain JSON-serialisable dict (with its format version)."""
        return share.versioned_dict(self._state)

    # ------------------------------------------------------------------ changes (checked; a refusal changes nothing)
    def change(self, name: str, value) -> Scene:
        """One control's change (``name`` a setting, or ``"dose"``: the typed dose in the unit shown)."""
        return self.apply(change(self._state, name, value))

    def set(self, **settings) -> Scene:
        """Several settings at once (keywords of :func:`helpers.explore`)."""
        return self.apply(state_from_settings(self._state, **settings))

    def load(self, state) -> Scene:
        """A state dict (``state``) or a share code."""
        loaded = share.decode(state) if isinstance(state, str) else share.state_from_versioned(state)
        return self.apply(loaded, case="")

    def load_case(self, key: str) -> Scene:
        """A clinical case of :data:`helpers.CASES` (its settings and pinned curves)."""
        return self.apply(load_case_state(key, self._state), case=key)

    def pin(self) -> Scene:
        """Keep the current curve on the plot and in the comparison table."""
        if self.scene.live is None:
            raise ValueError("There is no curve to pin for these settings.")
        return self.apply(pinned(self._state))

    def clear_pins(self) -> Scene:
        return self.set_pins(())

    def set_pins(self, pins: tuple) -> Scene:
        return self.apply(replace(self._state, pins=tuple(pins)))

    # ------------------------------------------------------------------ what it shows
    @property
    def simulation(self):
        """The live curve's :class:`helpers.Simulation` (None when the settings give no curve)."""
        return self.scene.live.simulation if self.scene.live is not None else None

    def simulate_kwargs(self) -> dict:
        """The exact arguments of :func:`helpers.simulate` for the current settings."""
        return simulate_kwargs(self._state)

    @property
    def dose_mg(self) -> float:
        """Dose per administration in mg, whatever the unit shown."""
        return dose_mg_used(self._state)

    def describe(self) -> str:
        return describe(self.simulate_kwargs())

    def comparison_table(self) -> list[dict]:
        """The comparison table's rows as data: one dict per visible curve (live first, then pins)."""
        return comparison_rows(self.scene)

    def share_code(self) -> str:
        """A short text code that restores every control value and pin."""
        return share.encode(self._state)

    def csv_text(self) -> str:
        """The CSV export: every visible curve, the settings, the share code and the disclaimer."""
        return export.csv_text(self.scene, export.settings_lines(self.scene, self.share_code()))


def session(state=None, case: str | None = None, **settings) -> ExplorerSession:
    """The route explorer's numbers without the dashboard: the same starting values as :func:`helpers.explore`.

    >>> s = session(case="swallowed_dose")
    >>> [round(row["bioavailable_dose_mg"], 1) for row in s.comparison_table()]
    [7.0, 35.0]
    """
    return ExplorerSession(starting_state(state, case, **settings), case or "")
