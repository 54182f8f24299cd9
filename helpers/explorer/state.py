"""The explorer's state: every control value, the control specs, and plain functions on them.

:class:`ExplorerState` holds what the learner has set (route, dose in both
units, weight, schedule, display options, pinned curves). Everything else is
a plain function of it: :func:`simulate_kwargs` gives the arguments of
:func:`helpers.simulate`, :func:`shown_controls` which controls apply,
:func:`describe` a curve's label, :func:`apply_change` the new state after
one control changes. No widgets here, so the rules are unit-tested directly.

Rules that keep the learner's values (issue 10): changing the dose unit, the
route or the time window never changes the dose in mg or any value the
learner set. The model always uses ``dose_mg``; in mg/kg mode it is the
per-kg dose times the weight, rounded like every derived value to six
significant digits so that the number shown is the number used.
Values a route alone has (swallowed fraction, device doses) are kept per route.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

from ..core.checks import check_choice, check_count, check_flag, check_number
from ..model.disposition import DEFAULT_MODEL, MODELS
from ..model.routes import ROUTES
from ..model.sites import SAMPLING_SITES

__all__ = ["ExplorerState", "DEFAULT_ROUTE", "SliderSpec", "SLIDERS", "DOSE_LADDERS", "DOSE_UNITS", "WINDOW_OPTIONS_H",
           "GRID_POINTS", "DOSE_UNIT_LABELS",
           "MAX_PINS", "FLAGS", "SETTINGS", "CURVE_KEYS", "default_state", "state_from_settings", "apply_change",
           "simulate_kwargs", "curve_kwargs", "pin_kwargs", "dose_mg_used", "fixed_doses_mg", "observation_min",
           "swallowed_fraction_for", "sampling_site_for", "route_model", "shown_controls", "describe",
           "significant", "format_dose", "nearest_rung", "check_curve", "check_setting", "check_dose_mg", "ladder",
           "state_from_dict"]

GRID_POINTS = 1200           # samples across the time window
MAX_PINS = 12
WINDOW_OPTIONS_H = (1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 72)
DOSE_UNITS = ("mg_per_kg", "mg")
FLAGS = ("effect_site", "variability", "norketamine", "log_scale", "projector")
# simulate() arguments that define a curve (a pin keeps these; the time grid follows the window)
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
DOSE_UNIT_LABELS = {"mg_per_kg": "mg/kg", "mg": "mg"}


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
                             f"{self.high:g}] (the slider's steps); got {value!r}".replace("  ", " "))
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


def fixed_doses_mg(route_key: str) -> tuple[float, ...]:
    """The only doses a route allows (a device product), or () when any dose can be chosen."""
    doses = getattr(ROUTES[route_key], "fixed_doses_mg", None)
    return tuple(float(d) for d in doses) if doses else ()


def observation_min(route_key: str) -> float | None:
    """Minutes a patient is observed after each dose of this route (a labelled requirement), or None."""
    route = ROUTES[route_key]
    value = getattr(route, "observation_min", None)
    if value is None and "observation_min" in route.parameters:
        value = route.parameters["observation_min"].value
    return None if value is None else float(value)


def route_model(route_key: str) -> str:
    """The disposition model a route's curve runs on (its own, or the default)."""
    return getattr(ROUTES[route_key], "model", None) or DEFAULT_MODEL


#: The route the explorer opens on unless told otherwise: the first infusion in the catalogue.
DEFAULT_ROUTE = next((key for key, r in ROUTES.items() if r.is_infusion), next(iter(ROUTES)))


@dataclass(frozen=True)
class ExplorerState:
    """Every control value of the explorer and every pinned curve. Treat as immutable.

    ``swallowed_fraction`` and ``fixed_dose_mg`` hold one value per route that has them (a route's
    default until the learner moves it); ``pins`` are the :data:`CURVE_KEYS` of each pinned curve
    plus its line ``style`` index.
    """

    route: str = DEFAULT_ROUTE
    dose_unit: str = "mg_per_kg"
    dose_mg_per_kg: float = 0.5
    dose_mg: float = 35.0
    weight_kg: float = 70.0
    infusion_min: int = 40
    n_doses: int = 1
    interval_h: float = 8.0
    swallowed_fraction: dict = field(default_factory=dict)
    fixed_dose_mg: dict = field(default_factory=dict)
    window_h: int = 8
    sampling_site: str = "venous"
    effect_site: bool = False
    variability: bool = False
    norketamine: bool = False
    log_scale: bool = False
    projector: bool = False
    pins: tuple = ()

    def to_dict(self) -> dict:
        """A plain JSON-serialisable dict of every value (see :func:`state_from_settings` for the reverse)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["swallowed_fraction"] = dict(self.swallowed_fraction)
        out["fixed_dose_mg"] = dict(self.fixed_dose_mg)
        out["pins"] = [dict(pin) for pin in self.pins]
        return out


def default_state() -> ExplorerState:
    """The explorer's starting values, with every route's own defaults filled in."""
    swallowed = {key: SLIDERS["swallowed_fraction"].check(r.default_swallowed_fraction)
                 for key, r in ROUTES.items() if r.has_swallowed_part}
    fixed = {key: fixed_doses_mg(key)[0] for key in ROUTES if fixed_doses_mg(key)}
    infusion = next((int(r.default_infusion_min) for r in ROUTES.values() if r.is_infusion), 40)
    return ExplorerState(swallowed_fraction=swallowed, fixed_dose_mg=fixed, infusion_min=infusion)


# ---------------------------------------------------------------------------- validation
def check_dose_mg(value, route: str | None = None) -> float:
    """Validate a dose in mg: one of the route's fixed doses if it has them, else within the mg ladder's range."""
    allowed = fixed_doses_mg(route) if route else ()
    if allowed:
        number = check_number("dose_mg", value, low=0.0, unit="mg")
        if not any(math.isclose(number, d, rel_tol=1e-9) for d in allowed):
            raise ValueError(f"dose_mg must be one of {', '.join(f'{d:g}' for d in allowed)} mg for route "
                             f"{route!r}; got {value!r}")
        return next(d for d in allowed if math.isclose(number, d, rel_tol=1e-9))
    low, high = DOSE_LADDERS["mg"][0], DOSE_LADDERS["mg"][-1]
    return significant(check_number("dose_mg", value, low=low, high=high, low_open=False, unit="mg"))


def check_setting(name: str, value, route: str):
    """Validate one setting (an :func:`state_from_settings` keyword) for ``route``; returns the clean value."""
    if name in SLIDERS:
        if name == "swallowed_fraction" and not ROUTES[route].has_swallowed_part:
            split = ", ".join(k for k, r in ROUTES.items() if r.has_swallowed_part)
            raise ValueError(f"swallowed_fraction applies only to routes with a swallowed part ({split}); "
                             f"got {value!r} for route {route!r}")
        return SLIDERS[name].check(value)
    if name == "dose_mg_per_kg":
        low, high = DOSE_LADDERS["mg_per_kg"][0], DOSE_LADDERS["mg_per_kg"][-1]
        return significant(check_number(name, value, low=low, high=high, low_open=False, unit="mg/kg"))
    if name == "dose_mg":
        return check_dose_mg(value, route)
    if name == "window_h":
        if isinstance(value, bool) or value not in WINDOW_OPTIONS_H:
            raise ValueError(f"window_h must be one of {', '.join(map(str, WINDOW_OPTIONS_H))} (hours); "
                             f"got {value!r}")
        return int(value)
    if name == "route":
        return check_choice("route", value, ROUTES)
    if name == "dose_unit":
        return check_choice("dose_unit", value, DOSE_UNITS)
    if name == "sampling_site":
        return check_choice("sampling_site", value, SAMPLING_SITES)
    if name in FLAGS:
        return check_flag(name, value)
    raise TypeError(f"unknown setting {name!r}; valid settings: {', '.join(SETTINGS)}")


SETTINGS = ("route", "dose_mg_per_kg", "dose_mg", "dose_unit", "weight_kg", "infusion_min", "n_doses", "interval_h",
            "swallowed_fraction", "window_h", "sampling_site") + FLAGS


def state_from_settings(base: ExplorerState | None = None, **settings) -> ExplorerState:
    """A state with the given settings (keywords of :func:`helpers.explore`), each validated.

    ``dose_mg_per_kg`` or ``dose_mg`` (not both) also sets the dose unit; on a route with fixed
    doses ``dose_mg`` picks one of them. Raises ``ValueError`` naming the setting, the value and
    the valid range, ``TypeError`` for an unknown setting.
    """
    state = base or default_state()
    unknown = [name for name in settings if name not in SETTINGS]
    if unknown:
        raise TypeError(f"unknown setting {unknown[0]!r}; valid settings: {', '.join(SETTINGS)}")
    if "dose_mg_per_kg" in settings and "dose_mg" in settings:
        raise ValueError("give the dose as dose_mg_per_kg or as dose_mg, not both; "
                         f"got dose_mg_per_kg={settings['dose_mg_per_kg']!r}, dose_mg={settings['dose_mg']!r}")
    route = check_setting("route", settings.get("route", state.route), state.route)
    clean = {name: check_setting(name, value, route) for name, value in settings.items()}
    state = replace(state, route=route)
    if "dose_mg" in clean and fixed_doses_mg(route):
        clean["fixed_dose_mg"] = clean.pop("dose_mg")
    for name in ("weight_kg", "dose_mg_per_kg", "dose_mg", "fixed_dose_mg", "dose_unit", "swallowed_fraction"):
        if name in clean:
            state = apply_change(state, name, clean[name])
    rest = {k: v for k, v in clean.items() if k not in ("route", "weight_kg", "dose_unit", "dose_mg_per_kg",
                                                         "dose_mg", "fixed_dose_mg", "swallowed_fraction")}
    return replace(state, **rest)


# ---------------------------------------------------------------------------- transitions
def apply_change(state: ExplorerState, name: str, value) -> ExplorerState:
    """The state after one setting changes (values already validated).

    Only the setting changes, plus what is derived from it: the dose in the other unit (the
    dose in mg is what the model uses, so a unit change alone leaves it exactly as it was).
    """
    if name == "dose_mg_per_kg":
        return replace(state, dose_unit="mg_per_kg", dose_mg_per_kg=value,
                       dose_mg=significant(value * state.weight_kg))
    if name == "fixed_dose_mg":
        return replace(state, fixed_dose_mg={**state.fixed_dose_mg, state.route: value})
    if name == "dose_mg":
        return replace(state, dose_unit="mg", dose_mg=value, dose_mg_per_kg=significant(value / state.weight_kg))
    if name == "weight_kg":
        if state.dose_unit == "mg_per_kg":
            return replace(state, weight_kg=value, dose_mg=significant(state.dose_mg_per_kg * value))
        return replace(state, weight_kg=value, dose_mg_per_kg=significant(state.dose_mg / value))
    if name == "swallowed_fraction":
        return replace(state, swallowed_fraction={**state.swallowed_fraction, state.route: value})
    return replace(state, **{name: value})


# ---------------------------------------------------------------------------- mapping to simulate()
def dose_mg_used(state: ExplorerState) -> float:
    """The dose per administration (mg) the model uses for the current route."""
    allowed = fixed_doses_mg(state.route)
    if allowed:
        chosen = state.fixed_dose_mg.get(state.route)
        return chosen if chosen in allowed else allowed[0]
    return state.dose_mg


def swallowed_fraction_for(state: ExplorerState, route_key: str) -> float:
    default = ROUTES[route_key].default_swallowed_fraction
    return state.swallowed_fraction.get(route_key, SLIDERS["swallowed_fraction"].check(default))


def sampling_site_for(state: ExplorerState, route_key: str) -> str | None:
    """The blood the curve describes: the learner's choice where the route's model can give it, else None
    (the model's own blood, which :func:`shown_controls` then says by hiding the choice)."""
    blood = MODELS[route_model(route_key)].blood
    return state.sampling_site if blood == "arterial" else None


def curve_kwargs(state: ExplorerState) -> dict:
    """The :data:`CURVE_KEYS` arguments of :func:`helpers.simulate` for the current settings."""
    route = ROUTES[state.route]
    kwargs = {"route": route.key, "dose_mg": dose_mg_used(state), "weight_kg": float(state.weight_kg)}
    if route.is_infusion:
        kwargs["infusion_min"] = float(state.infusion_min)
    if route.home_use and state.n_doses > 1:
        kwargs.update(n_doses=state.n_doses, interval_min=state.interval_h * 60.0)
    if route.has_swallowed_part:
        kwargs["swallowed_fraction"] = swallowed_fraction_for(state, route.key)
    site = sampling_site_for(state, route.key)
    if site is not None:
        kwargs["sampling_site"] = site
    return kwargs


def pin_kwargs(pin: dict, window_h: int) -> dict:
    """The full :func:`helpers.simulate` arguments of a pinned curve on the current time window."""
    kwargs = {k: v for k, v in pin.items() if k in CURVE_KEYS}
    window_min = window_h * 60.0
    return {**kwargs, "t_end_min": window_min, "dt_min": window_min / GRID_POINTS}


def simulate_kwargs(state: ExplorerState) -> dict:
    """The exact arguments of :func:`helpers.simulate` for the current settings.

    >>> simulate_kwargs(default_state())["dose_mg"], simulate_kwargs(default_state())["infusion_min"]
    (35.0, 40.0)
    """
    return pin_kwargs(curve_kwargs(state), state.window_h)


def check_curve(curve: dict) -> dict:
    """Validate a pinned curve given as :data:`CURVE_KEYS` (plus ``style``); returns a clean copy."""
    if not isinstance(curve, dict):
        raise ValueError(f"a pinned curve must be a dict of simulate() settings; got {curve!r}")
    unknown = set(curve) - set(CURVE_KEYS) - {"style"}
    if unknown:
        raise ValueError(f"a pinned curve has unknown settings {sorted(unknown)}; valid: {', '.join(CURVE_KEYS)}")
    for required in ("route", "dose_mg", "weight_kg"):
        if required not in curve:
            raise ValueError(f"a pinned curve needs {required!r}; got {curve!r}")
    route = check_choice("route", curve["route"], ROUTES)
    clean = {"route": route, "dose_mg": check_setting("dose_mg", curve["dose_mg"], route),
             "weight_kg": SLIDERS["weight_kg"].check(curve["weight_kg"])}
    if "infusion_min" in curve:
        if not ROUTES[route].is_infusion:
            raise ValueError(f"infusion_min applies only to an infusion; got it for route {route!r}")
        clean["infusion_min"] = float(SLIDERS["infusion_min"].check(curve["infusion_min"]))
    if "n_doses" in curve or "interval_min" in curve:
        clean["n_doses"] = SLIDERS["n_doses"].check(curve.get("n_doses"))
        clean["interval_min"] = _INTERVAL_MIN.check(curve.get("interval_min"))
    if "swallowed_fraction" in curve:
        clean["swallowed_fraction"] = check_setting("swallowed_fraction", curve["swallowed_fraction"], route)
    if "sampling_site" in curve:
        clean["sampling_site"] = check_choice("sampling_site", curve["sampling_site"], SAMPLING_SITES)
    clean["style"] = check_count("style", curve.get("style", 1), low=0, high=64)
    return clean


# ---------------------------------------------------------------------------- what applies
def shown_controls(state: ExplorerState) -> dict[str, bool]:
    """Which controls apply to the current route and settings (the others are hidden)."""
    route = ROUTES[state.route]
    fixed = bool(fixed_doses_mg(route.key))
    return {
        "dose_unit": not fixed,
        "dose": not fixed,
        "dose_slider": not fixed and state.dose_unit == "mg_per_kg",
        "dose_mg_slider": not fixed and state.dose_unit == "mg",
        "fixed_dose": fixed,
        "infusion_min": route.is_infusion,
        "n_doses": route.home_use,
        "interval_h": route.home_use,
        "swallowed_fraction": route.has_swallowed_part,
        "sampling_site": sampling_site_for(state, route.key) is not None,
    }


def nearest_rung(rungs: tuple[float, ...], value: float) -> float:
    """The rung closest to ``value`` on a log scale (where a slider's handle sits for a typed dose)."""
    return min(rungs, key=lambda rung: abs(math.log(rung / value)))


# ---------------------------------------------------------------------------- labels
def describe(kwargs: dict, *, site: bool = False) -> str:
    """Short label of a curve's simulate() arguments: route, dose, weight, schedule (and blood sampled).

    >>> describe({"route": "iv_infusion", "dose_mg": 35.0, "weight_kg": 70.0, "infusion_min": 40.0})
    'IV infusion 35 mg, 70 kg, over 40 min'
    """
    text = f"{ROUTES[kwargs['route']].label} {kwargs['dose_mg']:.3g} mg, {kwargs['weight_kg']:.0f} kg"
    if "infusion_min" in kwargs:
        text += f", over {kwargs['infusion_min']:.0f} min"
    if kwargs.get("n_doses", 1) > 1:
        text += f", {kwargs['n_doses']}x every {kwargs['interval_min'] / 60:.3g} h"
    if site:
        blood = kwargs.get("sampling_site") or MODELS[route_model(kwargs["route"])].blood
        text += f", {blood} blood" if blood in SAMPLING_SITES else ""
    return text


# ---------------------------------------------------------------------------- from a plain dict
_STATE_FIELDS = tuple(f.name for f in fields(ExplorerState))


def state_from_dict(data: dict) -> ExplorerState:
    """Rebuild a state from :meth:`ExplorerState.to_dict` output, validating every value.

    Keys left out take their default (so a dict saved before a control existed still loads).
    Raises ``ValueError`` naming the first bad key or value; nothing is half-applied.
    """
    if not isinstance(data, dict):
        raise ValueError(f"state must be a dict of control values; got {type(data).__name__}")
    unknown = [key for key in data if key not in _STATE_FIELDS]
    if unknown:
        raise ValueError(f"state has unknown key {unknown[0]!r}; valid keys: {', '.join(_STATE_FIELDS)}")
    base = default_state()
    route = check_setting("route", data.get("route", base.route), base.route)
    values = {"route": route}
    for name in ("dose_unit", "weight_kg", "infusion_min", "n_doses", "interval_h", "window_h", "sampling_site",
                 *FLAGS):
        if name in data:
            values[name] = check_setting(name, data[name], route)
    weight = values.get("weight_kg", base.weight_kg)
    unit = values.get("dose_unit", base.dose_unit)
    if "dose_mg_per_kg" in data or "dose_mg" in data:
        given = data.get("dose_mg" if unit == "mg" else "dose_mg_per_kg")
        clean = check_dose_mg(given) if unit == "mg" else check_setting("dose_mg_per_kg", given, route)
        state = apply_change(replace(base, weight_kg=weight, route=route, dose_unit=unit),
                             "dose_mg" if unit == "mg" else "dose_mg_per_kg", clean)
        values["dose_mg_per_kg"], values["dose_mg"] = state.dose_mg_per_kg, state.dose_mg
        # the derived value is kept as saved (a unit toggle keeps the learner's mg exactly)
        derived = "dose_mg_per_kg" if unit == "mg" else "dose_mg"
        if derived in data:
            saved = check_number(derived, data[derived], low=0.0, unit="mg/kg" if unit == "mg" else "mg")
            if not math.isclose(saved, values[derived], rel_tol=1e-4):
                raise ValueError(f"dose_mg and dose_mg_per_kg disagree at {weight:g} kg; got dose_mg="
                                 f"{data.get('dose_mg')!r}, dose_mg_per_kg={data.get('dose_mg_per_kg')!r}")
            values[derived] = saved
    values["swallowed_fraction"] = _per_route(data, "swallowed_fraction", base.swallowed_fraction,
                                              lambda key: ROUTES[key].has_swallowed_part)
    values["fixed_dose_mg"] = _per_route(data, "fixed_dose_mg", base.fixed_dose_mg,
                                         lambda key: bool(fixed_doses_mg(key)))
    pins = data.get("pins", [])
    if not isinstance(pins, (list, tuple)) or len(pins) > MAX_PINS:
        raise ValueError(f"pins must be a list of at most {MAX_PINS} pinned curves; got {pins!r}"[:200])
    values["pins"] = tuple(check_curve(pin) for pin in pins)
    return replace(base, **values)


def _per_route(data: dict, name: str, defaults: dict, applies) -> dict:
    given = data.get(name, {})
    if not isinstance(given, dict):
        raise ValueError(f"{name} must be a dict of route: value; got {given!r}")
    clean = dict(defaults)
    for key, value in given.items():
        if key not in ROUTES or not applies(key):
            valid = ", ".join(k for k in ROUTES if applies(k)) or "none"
            raise ValueError(f"{name} has an entry for {key!r}; valid routes: {valid}")
        clean[key] = check_setting("dose_mg" if name == "fixed_dose_mg" else name, value, key)
    return clean
