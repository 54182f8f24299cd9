"""Clinical cases: ready-made explorer settings for situations the course documents describe.

Each case (``data/cases.toml``) has a title, a short paraphrased vignette,
the sources it rests on (keys of the bibliography), a note on where its
numbers come from, the explorer settings to load and, where it compares
curves, the curves to pin. ``helpers.CASES`` maps each key to its
:class:`Case`; ``helpers.explore(case=key)`` opens the explorer on it.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.checks import check_choice
from ..core.parameters import load_data_file
from ..model.routes import ROUTES
from .bibliography import BIBLIOGRAPHY, cite

__all__ = ["Case", "CASES", "CURVE_SETTINGS", "case_sources"]

#: Settings a pinned curve of a case may give.
CURVE_SETTINGS = ("route", "dose_mg_per_kg", "dose_mg", "weight_kg", "infusion_min", "n_doses", "interval_h",
                  "swallowed_fraction", "sampling_site")
_FIELDS = {"title", "vignette", "sources", "numbers", "settings", "pins"}


@dataclass(frozen=True)
class Case:
    """A clinical case: what to show in the explorer, and why."""

    key: str
    title: str
    vignette: str
    sources: tuple[str, ...]
    numbers: str
    settings: dict
    pins: tuple[dict, ...] = ()

    def citation(self) -> str:
        """The case's sources in short form, for running text."""
        return "; ".join(cite(key) for key in self.sources)


def _case(key: str, table: dict) -> Case:
    unknown = set(table) - _FIELDS
    if unknown or not {"title", "vignette", "sources", "settings"} <= set(table):
        raise ValueError(f"case {key!r} in cases.toml must have title, vignette, sources and settings "
                         f"(and may have numbers, pins); unknown fields: {sorted(unknown)}")
    for source in table["sources"]:
        check_choice(f"source of case {key!r}", source, BIBLIOGRAPHY)
    curves = [table["settings"], *table.get("pins", [])]
    for curve in curves:
        check_choice(f"route of case {key!r}", curve.get("route"), ROUTES)
    for pin in table.get("pins", []):
        extra = set(pin) - set(CURVE_SETTINGS)
        if extra:
            raise ValueError(f"a pin of case {key!r} has settings {sorted(extra)}; valid: {', '.join(CURVE_SETTINGS)}")
    return Case(key=key, title=table["title"], vignette=table["vignette"], sources=tuple(table["sources"]),
                numbers=table.get("numbers", ""), settings=dict(table["settings"]),
                pins=tuple(dict(pin) for pin in table.get("pins", [])))


CASES: dict[str, Case] = {key: _case(key, table) for key, table in load_data_file("cases.toml").items()}


def case_sources() -> list[str]:
    """Every source key the cases cite, in order of first use (for a reference list)."""
    return list(dict.fromkeys(key for case in CASES.values() for key in case.sources))
