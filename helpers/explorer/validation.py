"""The one validator of the explorer's state, used by every way a state is made.

A control change (:func:`change`), ``explore(**settings)``
(:func:`state_from_settings`), ``explore(state=...)`` and share codes
(:func:`state_from_dict`) and the clinical cases all check each value with
its setting's one check (:func:`~helpers.explorer.settings.check_setting`) and
the whole state with :func:`check_state`. So a state the explorer itself
produced always loads again, and one it would refuse can never be reached
from its controls.

What a state must hold beyond each value's own range (:func:`check_state`):

* the dose the model uses is within the mg ladder's range (0.5-1500 mg);
* the dose per kg is the dose in mg over the weight (to the six digits shown).
  A dose *typed* in mg/kg must lie on the mg/kg ladder's range (0.05-10 mg/kg),
  but one that follows from a dose in mg (1450 mg at 70 kg is 20.7 mg/kg) is
  kept as it is when the unit is switched back: a unit change never changes
  the dose;
* per-route values exist only for routes that have them.

Every refusal is a ``ValueError`` naming the setting, the value and what is
valid, and changes nothing.
"""
from __future__ import annotations

import math
from dataclasses import fields, replace

from ..core.checks import check_number, shown
from ..model.routes import ROUTES
from .settings import SETTINGS, check_setting, dose_range_mg, significant
from .state import ExplorerState, apply_change, default_state, dose_field

__all__ = ["check_state", "change", "state_from_settings", "state_from_dict", "STATE_FIELDS"]

STATE_FIELDS = tuple(f.name for f in fields(ExplorerState))
_DOSES = ("dose_mg", "dose_mg_per_kg")


def check_state(state: ExplorerState) -> ExplorerState:
    """The state if it is one the explorer can show; else ``ValueError`` saying what is wrong.

    Every value is checked with its setting's check (the dose pair by the rules in the module's
    docstring), so a state built by hand (``dataclasses.replace``) is held to the same rules.
    """
    route = check_setting("route", state.route, state.route)
    for name, setting in SETTINGS.items():
        if name in _DOSES or name == "route":
            continue
        value = getattr(state, name)
        if setting.per_route:
            if not isinstance(value, dict):
                raise ValueError(f"{name} must be a dict of route: value; got {shown(value)}")
            for key, item in value.items():
                check_setting("route", key, route)
                setting.check(item, key)
        else:
            setting.check(value, route)
    low, high = dose_range_mg()
    dose_mg = check_number("dose_mg", state.dose_mg, low=0.0, unit="mg")
    per_kg = check_number("dose_mg_per_kg", state.dose_mg_per_kg, low=0.0, unit="mg/kg")
    if not low <= dose_mg <= high:
        raise ValueError(f"dose_mg must be in [{low:g}, {high:g}] mg (the dose the model is given); got "
                         f"{dose_mg:g} mg ({per_kg:g} mg/kg at {state.weight_kg:g} kg): lower the dose first")
    if not math.isclose(per_kg * state.weight_kg, dose_mg, rel_tol=1e-4):
        raise ValueError(f"dose_mg and dose_mg_per_kg disagree at {state.weight_kg:g} kg; got dose_mg="
                         f"{shown(state.dose_mg)}, dose_mg_per_kg={shown(state.dose_mg_per_kg)}")
    return state


def change(state: ExplorerState, name: str, value) -> ExplorerState:
    """The state after one control sets ``name`` (a setting, or ``"dose"``: the typed dose in the unit
    shown) to ``value``, checked; ``ValueError`` if the value or the resulting state is refused."""
    name = dose_field(state) if name == "dose" else name
    clean = check_setting(name, value, state.route)
    return check_state(apply_change(state, name, clean))


def state_from_settings(base: ExplorerState | None = None, **settings) -> ExplorerState:
    """A state with the given settings (keywords of :func:`helpers.explore`), each checked.

    ``dose_mg_per_kg`` or ``dose_mg`` (not both) also sets the dose unit; on a route with fixed
    doses ``dose_mg`` picks one of them. Raises ``ValueError`` naming the setting, the value and
    the valid range, ``TypeError`` for an unknown setting.
    """
    state = base or default_state()
    unknown = [name for name in settings if name not in SETTINGS or not SETTINGS[name].keyword]
    if unknown:
        valid = ", ".join(name for name, s in SETTINGS.items() if s.keyword)
        raise TypeError(f"unknown setting {unknown[0]!r}; valid settings: {valid}")
    if "dose_mg_per_kg" in settings and "dose_mg" in settings:
        raise ValueError("give the dose as dose_mg_per_kg or as dose_mg, not both; got dose_mg_per_kg="
                         f"{shown(settings['dose_mg_per_kg'])}, dose_mg={shown(settings['dose_mg'])}")
    settings = dict(settings)
    route = check_setting("route", settings.pop("route", state.route), state.route)
    state = replace(state, route=route)
    if "dose_mg" in settings and ROUTES[route].fixed_doses_mg:
        settings["fixed_dose_mg"] = settings.pop("dose_mg")
    for name in SETTINGS:                    # the registry's order: the weight before the doses
        if name in settings:
            state = apply_change(state, name, check_setting(name, settings[name], route))
    return check_state(state)


def state_from_dict(data: dict) -> ExplorerState:
    """Rebuild a state from :meth:`ExplorerState.to_dict` output, checking every value.

    Keys left out take their default (so a dict saved before a control existed still loads). When
    only one dose is given, the other is derived from it. Raises ``ValueError`` naming the first
    bad key or value; nothing is half-applied.
    """
    if not isinstance(data, dict):
        raise ValueError(f"state must be a dict of control values; got {type(data).__name__}")
    unknown = [key for key in data if key not in STATE_FIELDS]
    if unknown:
        raise ValueError(f"state has unknown key {shown(unknown[0])}; valid keys: {', '.join(STATE_FIELDS)}")
    base = default_state()
    route = check_setting("route", data.get("route", base.route), base.route)
    values = {"route": route}
    for name, setting in SETTINGS.items():
        if name not in data or name in _DOSES or name == "route":
            continue
        if setting.per_route:
            given = data[name]
            if not isinstance(given, dict):
                raise ValueError(f"{name} must be a dict of route: value; got {shown(given)}")
            values[name] = {**getattr(base, name), **{check_setting("route", key, route): setting.check(value, key)
                                                      for key, value in given.items()}}
        else:
            values[name] = setting.check(data[name], route)
    state = replace(base, **values)
    given = [name for name in _DOSES if name in data]
    if len(given) == 2:
        state = replace(state, dose_mg=significant(check_number("dose_mg", data["dose_mg"], low=0.0, unit="mg")),
                        dose_mg_per_kg=significant(check_number("dose_mg_per_kg", data["dose_mg_per_kg"], low=0.0,
                                                                unit="mg/kg")))
    else:       # one dose given (or none: the unit's default), the other derived from it
        name = given[0] if given else dose_field(state)
        value = data.get(name, getattr(base, name))
        state = apply_change(state, name, check_setting(name, value, route))
        state = replace(state, dose_unit=values.get("dose_unit", base.dose_unit))
    return check_state(state)
