"""The explorer's state (every control value) and plain functions on it.

:class:`ExplorerState` holds one field per setting of the registry
(:data:`~helpers.explorer.settings.SETTINGS`). Everything else is a plain
function of it: :func:`apply_change` gives the state after one change,
:func:`simulate_kwargs` the arguments of :func:`helpers.simulate`,
:func:`shown_controls` which controls apply, :func:`describe` a curve's label,
:func:`pinned` the state with the current curve pinned. Values are checked in
:mod:`.validation`; no widgets here, so the rules are unit-tested directly.

Rules that keep the learner's values (issue 10): changing the dose unit, the
route or the time window never changes the dose in mg or any value the
learner set. The model always uses ``dose_mg``; in mg/kg mode it is the
per-kg dose times the weight, rounded like every derived value to six
significant digits so that the number shown is the number used.
Values a route alone has (swallowed fraction, device doses) are kept per route.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from dataclasses import field, fields, make_dataclass, replace

from ..model.routes import ROUTES
from ..model.sites import SAMPLING_SITES
from ..presentation.plotting import LINE_STYLES
from .settings import CONTROLS, GRID_POINTS, MAX_PINS, SETTINGS, SLIDERS, significant

__all__ = ["ExplorerState", "default_state", "apply_change", "simulate_kwargs", "curve_kwargs", "pin_kwargs",
           "dose_mg_used", "swallowed_fraction_for", "sampling_site_for", "shown_controls", "describe",
           "PIN_STYLES", "pinned", "dose_field"]


def _to_dict(self) -> dict:
    """A plain JSON-serialisable dict of every value (:func:`~helpers.explorer.validation.state_from_dict`
    is the reverse)."""
    out = {f.name: getattr(self, f.name) for f in fields(self)}
    for name, setting in SETTINGS.items():
        if setting.per_route:
            out[name] = dict(out[name])
    out["pins"] = [dict(pin) for pin in self.pins]
    return out


def _field(setting):
    if isinstance(setting.default, (dict, list)):
        default = setting.default
        return field(default_factory=lambda: type(default)(default))
    return field(default=setting.default)


#: Every control value of the explorer and every pinned curve (one field per setting of the registry).
#: Treat as immutable. ``swallowed_fraction`` and ``fixed_dose_mg`` hold one value per route that has
#: them; ``pins`` are the :data:`~helpers.explorer.settings.CURVE_KEYS` of each pinned curve plus its
#: line ``style`` index.
ExplorerState = make_dataclass(
    "ExplorerState", [(name, object, _field(s)) for name, s in SETTINGS.items()], frozen=True,
    namespace={"to_dict": _to_dict, "__module__": __name__,
               "__doc__": "Every control value of the explorer and every pinned curve (see the module)."})


def default_state() -> ExplorerState:
    """The explorer's starting values, with every route's own defaults filled in."""
    swallowed = {key: SLIDERS["swallowed_fraction"].check(r.default_swallowed_fraction)
                 for key, r in ROUTES.items() if r.has_swallowed_part}
    fixed = {key: r.fixed_doses_mg[0] for key, r in ROUTES.items() if r.fixed_doses_mg}
    infusion = next((int(r.default_infusion_min) for r in ROUTES.values() if r.is_infusion), 40)
    return ExplorerState(swallowed_fraction=swallowed, fixed_dose_mg=fixed, infusion_min=infusion)


# ---------------------------------------------------------------------------- transitions
def dose_field(state: ExplorerState) -> str:
    """The setting the typed dose sets: ``dose_mg`` or ``dose_mg_per_kg``, by the unit shown."""
    return "dose_mg" if state.dose_unit == "mg" else "dose_mg_per_kg"


def apply_change(state: ExplorerState, name: str, value) -> ExplorerState:
    """The state after one setting changes (values already checked).

    Only the setting changes, plus what is derived from it: the dose in the other unit (the
    dose in mg is what the model uses, so a unit change alone leaves it exactly as it was).
    """
    if name == "dose_mg_per_kg":
        return replace(state, dose_unit="mg_per_kg", dose_mg_per_kg=value,
                       dose_mg=significant(value * state.weight_kg))
    if name == "dose_mg":
        return replace(state, dose_unit="mg", dose_mg=value, dose_mg_per_kg=significant(value / state.weight_kg))
    if name == "weight_kg":
        if state.dose_unit == "mg_per_kg":
            return replace(state, weight_kg=value, dose_mg=significant(state.dose_mg_per_kg * value))
        return replace(state, weight_kg=value, dose_mg_per_kg=significant(state.dose_mg / value))
    if SETTINGS[name].per_route:
        return replace(state, **{name: {**getattr(state, name), state.route: value}})
    return replace(state, **{name: value})


#: Line styles of pinned curves (indices of LINE_STYLES), in order of use: dash-dot and long dashes first,
#: because dashed and dotted mark the live curve's norketamine and effect site.
PIN_STYLES = tuple(sorted(range(len(LINE_STYLES)), key=lambda i: (LINE_STYLES[i] in ("--", ":", "-"), i)))


def pinned(state: ExplorerState) -> ExplorerState:
    """The state with the current curve pinned (the oldest pin dropped beyond MAX_PINS), in a free line style."""
    pins = list(state.pins)[-(MAX_PINS - 1):]
    used = {p["style"] for p in pins}
    style = next((i for i in PIN_STYLES if i not in used), PIN_STYLES[len(pins) % len(PIN_STYLES)])
    return replace(state, pins=tuple(pins) + ({**curve_kwargs(state), "style": style},))


# ---------------------------------------------------------------------------- mapping to simulate()
def dose_mg_used(state: ExplorerState) -> float:
    """The dose per administration (mg) the model uses for the current route."""
    allowed = ROUTES[state.route].fixed_doses_mg
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
    return state.sampling_site if ROUTES[route_key].offers_sampling_site else None


def curve_kwargs(state: ExplorerState) -> dict:
    """The :data:`~helpers.explorer.settings.CURVE_KEYS` arguments of :func:`helpers.simulate` now."""
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
    kwargs = {k: v for k, v in pin.items() if k != "style"}
    window_min = window_h * 60.0
    return {**kwargs, "t_end_min": window_min, "dt_min": window_min / GRID_POINTS}


def simulate_kwargs(state: ExplorerState) -> dict:
    """The exact arguments of :func:`helpers.simulate` for the current settings.

    >>> simulate_kwargs(default_state())["dose_mg"], simulate_kwargs(default_state())["infusion_min"]
    (35.0, 40.0)
    """
    return pin_kwargs(curve_kwargs(state), state.window_h)


# ---------------------------------------------------------------------------- what applies
def shown_controls(state: ExplorerState) -> dict[str, bool]:
    """Which controls apply to the current route and settings (the others are hidden)."""
    return {name: bool(control.shown(state)) for name, control in CONTROLS.items()}


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
        blood = kwargs.get("sampling_site") or ROUTES[kwargs["route"]].model_blood
        text += f", {blood} blood" if blood in SAMPLING_SITES else ""
    return text
