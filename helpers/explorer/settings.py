"""The explorer's settings registry: every control value, defined and checked in one place.

Each :class:`Setting` is one field of :class:`~helpers.explorer.state.ExplorerState`
and one keyword of :func:`helpers.explore`: its default, the one function that
checks a value for it (:meth:`Setting.check`, used by the controls, by
``explore(**settings)``, by ``explore(state=...)``, by share codes and by the
clinical cases alike), its key in share codes and the format version that
introduced it. Each :class:`Control` is one widget: which setting it sets,
what kind of widget it is, its label, when it is shown and which row of the
controls column it sits in. No widgets are built here (``controls.py`` does
that from these entries), so the rules are unit-tested without a browser.

Adding a control is one :class:`Setting` and one :class:`Control` below, and
its use in :func:`~helpers.explorer.state.curve_kwargs` if it changes the curve
(CONTRIBUTING.md, "A new explorer control").

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..core.checks import check_choice, check_count, check_flag, check_number, shown
from ..model.disposition import DEFAULT_MODEL, MODELS
from ..model.routes import ROUTES
from ..model.sites import SAMPLING_SITES

__all__ = ["SliderSpec", "Setting", "Control", "SETTINGS", "CONTROLS", "SLIDERS", "DOSE_LADDERS", "DOSE_UNITS",
           "DOSE_UNIT_LABELS", "WINDOW_OPTIONS_H", "GRID_POINTS", "MAX_PINS", "FLAGS", "CURVE_KEYS",
           "DEFAULT_ROUTE", "significant", "format_dose", "ladder", "nearest_rung", "FORMAT_VERSION",
           "check_setting", "check_curve", "dose_range_mg"]

GRID_POINTS = 1200           # samples across the time window
MAX_PINS = 12
WINDOW_OPTIONS_H = (1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 72)
DOSE_UNITS = ("mg_per_kg", "mg")
DOSE_UNIT_LABELS = {"mg_per_kg": "mg/kg", "mg": "mg"}
#: simulate() arguments that define a curve (a pin keeps these; the time grid follows the window)
CURVE_KEYS = ("route", "dose_mg", "weight_kg", "infusion_min", "n_doses", "interval_min", "swallowed_fraction",
              "sampling_site")


def significant(value: float, digits: int = 6) -> float:
    """``value`` rounded to ``digits`` significant digits (what the explorer shows and uses).

    >>> significant(0.45 * 82), significant(40 / 82)
    (36.9, 0.487805)
    """
    return float(f"{value:.{digits}g}")


def format_dose(value: float) -> str:
    """A dose as the learner reads and types it (six significant digits, no trailing zeros).

    >>> format_dose(35.0), format_dose(0.487805), format_dose(1234.5)
    ('35', '0.487805', '1234.5')
    """
    return f"{value:.6g}"


def ladder(low: float, *segments: tuple[float, float]) -> tuple[float, ...]:
    """Rungs from ``low``: each segment ``(up_to, step)`` adds rungs up to ``up_to`` in steps of ``step``.

    >>> ladder(0.5, (1.0, 0.25), (2.0, 0.5))
    (0.5, 0.75, 1.0, 1.5, 2.0)
    """
    rungs = [low]
    for up_to, step in segments:
        n = int(round((up_to - rungs[-1]) / step))
        start = rungs[-1]
        rungs += [significant(start + step * (i + 1)) for i in range(n)]
    return tuple(rungs)


#: Dose ladders for the mouse: finer where doses are usual (0.1-2 mg/kg; 5-200 mg), about log-spaced.
#: Any dose in range can also be typed; the slider then sits at the nearest rung.
DOSE_LADDERS = {
    "mg_per_kg": ladder(0.05, (0.1, 0.01), (1.0, 0.05), (2.0, 0.1), (5.0, 0.25), (10.0, 0.5)),
    "mg": ladder(0.5, (5.0, 0.5), (20.0, 1.0), (50.0, 2.5), (100.0, 5.0), (200.0, 10.0), (500.0, 25.0),
                 (1500.0, 50.0)),
}


def nearest_rung(rungs: tuple[float, ...], value: float) -> float:
    """The rung closest to ``value`` on a log scale (where a slider's handle sits for a typed dose)."""
    return min(rungs, key=lambda rung: abs(math.log(rung / value)))


def dose_range_mg() -> tuple[float, float]:
    """The doses (mg) the model may be given from the explorer: the mg ladder's ends."""
    return DOSE_LADDERS["mg"][0], DOSE_LADDERS["mg"][-1]


@dataclass(frozen=True)
class SliderSpec:
    """A slider: label, range, step and readout format (values off the step are refused)."""

    name: str
    label: str
    low: float
    high: float
    step: float
    unit: str
    fmt: str
    whole: bool = False

    def check(self, value, name: str | None = None) -> float:
        """Validate a value for this slider: in range and on a step (the browser shows only those)."""
        name = name or self.name
        if self.whole:
            number = check_count(name, value, low=int(self.low), high=int(self.high))
        else:
            number = check_number(name, value, low=self.low, high=self.high, low_open=False, unit=self.unit)
        steps = (number - self.low) / self.step
        if abs(steps - round(steps)) > 1e-6:
            raise ValueError(f"{name} must be a multiple of {self.step:g} {self.unit} in [{self.low:g}, "
                             f"{self.high:g}] (the slider's steps); got {shown(value)}".replace("  ", " "))
        return number if self.whole else significant(self.low + round(steps) * self.step)


_MODEL = MODELS[DEFAULT_MODEL]
SLIDERS = {
    "weight_kg": SliderSpec("weight_kg", "Body weight (kg)", _MODEL.weight_low_kg, _MODEL.weight_high_kg, 1.0,
                            "kg", ".0f"),
    "infusion_min": SliderSpec("infusion_min", "Infusion duration (min)", 5, 1440, 5, "min", "d", whole=True),
    "n_doses": SliderSpec("n_doses", "Number of doses", 1, 12, 1, "", "d", whole=True),
    "interval_h": SliderSpec("interval_h", "Dose interval (h)", 1.0, 24.0, 0.5, "h", ".1f"),
    "swallowed_fraction": SliderSpec("swallowed_fraction", "Swallowed fraction", 0.0, 1.0, 0.01, "", ".2f"),
}
_INTERVAL_MIN = SliderSpec("interval_min", "", 60.0, 1440.0, 30.0, "min", ".0f")   # interval_h in minutes

#: The route the explorer opens on unless told otherwise: the first infusion in the catalogue.
DEFAULT_ROUTE = next((key for key, r in ROUTES.items() if r.is_infusion), next(iter(ROUTES)))


# ---------------------------------------------------------------------------- the checks, one per setting
def _route_with(what: str, applies: Callable, name: str, value, route: str) -> str:
    if not applies(ROUTES[route]):
        valid = ", ".join(k for k, r in ROUTES.items() if applies(r)) or "none"
        raise ValueError(f"{name} applies only to routes {what} ({valid}); got {shown(value)} for route {route!r}")
    return route


def _check_dose_per_kg(value, route):
    low, high = DOSE_LADDERS["mg_per_kg"][0], DOSE_LADDERS["mg_per_kg"][-1]
    return significant(check_number("dose_mg_per_kg", value, low=low, high=high, low_open=False, unit="mg/kg"))


def _check_dose_mg(value, route):
    low, high = dose_range_mg()
    return significant(check_number("dose_mg", value, low=low, high=high, low_open=False, unit="mg"))


def _check_fixed_dose(value, route):
    _route_with("given as fixed device doses", lambda r: bool(r.fixed_doses_mg), "fixed_dose_mg", value, route)
    allowed = ROUTES[route].fixed_doses_mg
    number = check_number("dose_mg", value, low=0.0, unit="mg")
    chosen = next((d for d in allowed if math.isclose(number, d, rel_tol=1e-9)), None)
    if chosen is None:
        raise ValueError(f"dose_mg must be one of {', '.join(f'{d:g}' for d in allowed)} mg for route {route!r}; "
                         f"got {shown(value)}")
    return chosen


def _check_swallowed(value, route):
    _route_with("with a swallowed part", lambda r: r.has_swallowed_part, "swallowed_fraction", value, route)
    return SLIDERS["swallowed_fraction"].check(value)


def _check_window(value, route):
    if isinstance(value, bool) or value not in WINDOW_OPTIONS_H:
        raise ValueError(f"window_h must be one of {', '.join(map(str, WINDOW_OPTIONS_H))} (hours); "
                         f"got {shown(value)}")
    return int(value)


def _check_pins(value, route):
    if not isinstance(value, (list, tuple)) or len(value) > MAX_PINS:
        raise ValueError(f"pins must be a list of at most {MAX_PINS} pinned curves; got {shown(value)}")
    return tuple(check_curve(pin) for pin in value)


def _slider(name):
    return lambda value, route: SLIDERS[name].check(value)


def _choice(name, options):
    return lambda value, route: check_choice(name, value, options)


def _flag(name):
    return lambda value, route: check_flag(name, value)


@dataclass(frozen=True)
class Setting:
    """One explorer setting: a field of the state and a keyword of :func:`helpers.explore`.

    ``checker(value, route)`` returns the clean value or raises ``ValueError`` naming the setting, the
    value and what is valid (``route``: the route the value is for). ``per_route`` settings hold one
    value per route that has them (``{route: value}``). ``share_key`` is its key in share codes from
    format ``since`` on; ``share_default`` is that format's default, frozen once released (a value equal
    to it is left out of a code, so an old code keeps its meaning).
    """

    name: str
    default: object
    checker: Callable
    share_key: str
    share_default: object = None
    since: int = 1
    per_route: bool = False
    keyword: bool = True

    def check(self, value, route: str):
        return self.checker(value, route)


def _setting(name, default, checker, share_key, share_default=None, **extra):
    return Setting(name, default, checker, share_key, default if share_default is None else share_default, **extra)


FLAGS = ("effect_site", "variability", "norketamine", "log_scale", "projector")

#: Every setting, in the order state_from_settings applies them (the route first, the weight before doses).
SETTINGS: dict[str, Setting] = {s.name: s for s in (
    _setting("route", DEFAULT_ROUTE, _choice("route", ROUTES), "r"),
    _setting("weight_kg", 70.0, _slider("weight_kg"), "w"),
    _setting("dose_unit", "mg_per_kg", _choice("dose_unit", DOSE_UNITS), "u"),
    _setting("dose_mg_per_kg", 0.5, _check_dose_per_kg, "k"),
    _setting("dose_mg", 35.0, _check_dose_mg, "m"),
    _setting("fixed_dose_mg", {}, _check_fixed_dose, "f", share_default={}, per_route=True, keyword=False),
    _setting("infusion_min", 40, _slider("infusion_min"), "i"),
    _setting("n_doses", 1, _slider("n_doses"), "n"),
    _setting("interval_h", 8.0, _slider("interval_h"), "h"),
    _setting("swallowed_fraction", {}, _check_swallowed, "s", share_default={}, per_route=True),
    _setting("window_h", 8, _check_window, "t"),
    _setting("sampling_site", "venous", _choice("sampling_site", SAMPLING_SITES), "b"),
    _setting("effect_site", False, _flag("effect_site"), "e"),
    _setting("variability", False, _flag("variability"), "v"),
    _setting("norketamine", False, _flag("norketamine"), "nk"),
    _setting("log_scale", False, _flag("log_scale"), "l"),
    _setting("projector", False, _flag("projector"), "p"),
    _setting("pins", (), _check_pins, "P", share_default=[], keyword=False),
)}

#: The share-code format this explorer writes: the newest format that introduced a setting.
FORMAT_VERSION = max(s.since for s in SETTINGS.values())


def check_setting(name: str, value, route: str):
    """The one check of a setting's value for ``route`` (a key of :data:`SETTINGS`); returns the clean value.

    Raises ``ValueError`` naming the setting, the value and the valid range or choices, and ``TypeError``
    for a name that is no setting.
    """
    if name not in SETTINGS:
        raise TypeError(f"unknown setting {name!r}; valid settings: {', '.join(SETTINGS)}")
    return SETTINGS[name].check(value, route)


def check_curve(curve: dict) -> dict:
    """Validate a pinned curve given as :data:`CURVE_KEYS` (plus ``style``); returns a clean copy."""
    if not isinstance(curve, dict):
        raise ValueError(f"a pinned curve must be a dict of simulate() settings; got {shown(curve)}")
    unknown = set(curve) - set(CURVE_KEYS) - {"style"}
    if unknown:
        raise ValueError(f"a pinned curve has unknown settings {sorted(map(str, unknown))[:5]}; valid: "
                         f"{', '.join(CURVE_KEYS)}")
    for required in ("route", "dose_mg", "weight_kg"):
        if required not in curve:
            raise ValueError(f"a pinned curve needs {required!r}; got {shown(curve)}")
    route = check_choice("route", curve["route"], ROUTES)
    dose = (_check_fixed_dose if ROUTES[route].fixed_doses_mg else _check_dose_mg)(curve["dose_mg"], route)
    clean = {"route": route, "dose_mg": dose, "weight_kg": SLIDERS["weight_kg"].check(curve["weight_kg"])}
    if "infusion_min" in curve:
        if not ROUTES[route].is_infusion:
            raise ValueError(f"infusion_min applies only to an infusion; got it for route {route!r}")
        clean["infusion_min"] = float(SLIDERS["infusion_min"].check(curve["infusion_min"]))
    if "n_doses" in curve or "interval_min" in curve:
        clean["n_doses"] = SLIDERS["n_doses"].check(curve.get("n_doses"))
        clean["interval_min"] = _INTERVAL_MIN.check(curve.get("interval_min"))
    if "swallowed_fraction" in curve:
        clean["swallowed_fraction"] = _check_swallowed(curve["swallowed_fraction"], route)
    if "sampling_site" in curve:
        clean["sampling_site"] = check_choice("sampling_site", curve["sampling_site"], SAMPLING_SITES)
    clean["style"] = check_count("style", curve.get("style", 1), low=0, high=64)
    return clean


# ---------------------------------------------------------------------------- the controls
def _always(state) -> bool:
    return True


def _fixed(state) -> bool:
    return bool(ROUTES[state.route].fixed_doses_mg)


@dataclass(frozen=True)
class Control:
    """One widget of the explorer: the setting it sets (``"dose"``: the typed dose, in the unit shown),
    its kind (``dropdown``, ``toggle``, ``slider``, ``ladder``, ``choices``, ``typed``, ``flag``), label,
    tooltip, when it is shown, the row of the controls column it sits in (controls sharing a row
    sit side by side), and whether it leads: on a narrow screen (a phone) the leading controls come first,
    then the plot, then the readouts and the rest, so the dose and the curve share one screen."""

    name: str
    setting: str
    kind: str
    label: str
    tooltip: str = ""
    shown: Callable = _always
    row: str = ""
    options: tuple = ()
    lead: bool = False


#: Every control, in the order of the controls column (``app.controls[name]``).
CONTROLS: dict[str, Control] = {c.name: c for c in (
    Control("route", "route", "dropdown", "Route", "Where the dose is given", lead=True),
    Control("dose_unit", "dose_unit", "toggle", "Dose unit", options=(("mg/kg", "mg_per_kg", "dose per kg body "
            "weight"), ("mg", "mg", "total dose in mg")), shown=lambda s: not _fixed(s), lead=True),
    Control("dose_slider", "dose_mg_per_kg", "ladder", "Dose (mg/kg)", row="dose", lead=True,
            shown=lambda s: not _fixed(s) and s.dose_unit == "mg_per_kg"),
    Control("dose_mg_slider", "dose_mg", "ladder", "Dose (mg)", row="dose",
            shown=lambda s: not _fixed(s) and s.dose_unit == "mg"),
    Control("dose", "dose", "typed", "Typed dose", "The dose in the unit chosen above; type one and press Enter",
            row="dose", shown=lambda s: not _fixed(s)),
    Control("fixed_dose", "fixed_dose_mg", "dropdown", "Dose", "The product's doses: whole devices", shown=_fixed,
            lead=True),
    Control("weight", "weight_kg", "slider", SLIDERS["weight_kg"].label, lead=True),
    Control("infusion_min", "infusion_min", "slider", SLIDERS["infusion_min"].label,
            shown=lambda s: ROUTES[s.route].is_infusion),
    Control("n_doses", "n_doses", "slider", SLIDERS["n_doses"].label, shown=lambda s: ROUTES[s.route].home_use),
    Control("interval_h", "interval_h", "slider", SLIDERS["interval_h"].label,
            shown=lambda s: ROUTES[s.route].home_use),
    Control("swallowed_fraction", "swallowed_fraction", "slider", SLIDERS["swallowed_fraction"].label,
            shown=lambda s: ROUTES[s.route].has_swallowed_part),
    Control("window_h", "window_h", "choices", "Time window (h)", options=WINDOW_OPTIONS_H),
    Control("sampling_site", "sampling_site", "toggle", "Blood sampled",
            options=(("Venous", "venous", "forearm vein"), ("Arterial", "arterial", "artery (the model's own blood)")),
            shown=lambda s: ROUTES[s.route].offers_sampling_site),
    Control("effect_site", "effect_site", "flag", "Show effect site",
            "Dotted: where the drug acts; it lags the blood", row="overlays"),
    Control("norketamine", "norketamine", "flag", "Show norketamine", "Dashed: the main metabolite", row="overlays"),
    Control("variability", "variability", "flag", "Variability between patients",
            "Shade the 5th-95th and 25th-75th percentiles of simulated patients"),
    Control("log_scale", "log_scale", "flag", "Logarithmic axis", row="display"),
    Control("projector", "projector", "flag", "Projector mode (large text)", row="display"),
)}
