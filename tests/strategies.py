"""Shared hypothesis strategies: the valid input space of simulate()."""
from hypothesis import strategies as st

from helpers import ROUTE_KEYS, ROUTES

#: Routes of racemic ketamine: any dose in mg. (A device product such as the esketamine nasal spray
#: takes whole devices only and is tested in test_esketamine.py.)
RACEMIC_ROUTES = tuple(key for key in ROUTE_KEYS if ROUTES[key].drug == "ketamine")
routes = st.sampled_from(RACEMIC_ROUTES)
doses_mg = st.floats(min_value=0.1, max_value=1000.0, allow_nan=False, allow_infinity=False)
weights_kg = st.floats(min_value=10.0, max_value=150.0)
windows_min = st.floats(min_value=5.0, max_value=3000.0)
fractions = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def simulate_kwargs(draw):
    """Keyword arguments for simulate() drawn from everything it accepts."""
    route = draw(routes)
    t_end = draw(windows_min)
    kwargs = dict(route=route, dose_mg=draw(doses_mg), weight_kg=draw(weights_kg), t_end_min=t_end,
                  dt_min=draw(st.floats(min_value=t_end / 2000, max_value=t_end / 2)))
    n_doses = draw(st.integers(min_value=1, max_value=6))
    if n_doses > 1:
        kwargs.update(n_doses=n_doses, interval_min=draw(st.floats(min_value=1.0, max_value=1440.0)))
    if ROUTES[route].is_infusion:
        kwargs["infusion_min"] = draw(st.one_of(st.floats(min_value=0.1, max_value=1.0),
                                                  st.floats(min_value=0.1, max_value=600.0)))
    if ROUTES[route].has_swallowed_part:
        kwargs["swallowed_fraction"] = draw(fractions)
    return kwargs


@st.composite
def control_changes(draw, max_changes: int = 12):
    """A sequence of (control name, value) a learner can make on the explorer's widgets, hidden ones too
    (a value each widget itself accepts: a slider's range and step, a ladder's rungs, any typed number)."""
    from helpers.explorer.settings import CONTROLS, DOSE_LADDERS, SLIDERS, WINDOW_OPTIONS_H

    def value_for(name):
        control = CONTROLS[name]
        if control.kind == "slider":
            spec = SLIDERS[control.setting]
            steps = int(round((spec.high - spec.low) / spec.step))
            value = spec.low + draw(st.integers(0, steps)) * spec.step
            return int(value) if spec.whole else round(value, 6)
        if control.kind == "ladder":
            return draw(st.sampled_from(DOSE_LADDERS["mg" if control.setting == "dose_mg" else "mg_per_kg"]))
        if control.kind == "typed":
            return draw(st.one_of(st.floats(0.01, 30.0), st.floats(0.5, 3000.0)).map(lambda v: round(v, 4)))
        if control.kind == "choices":
            return draw(st.sampled_from(WINDOW_OPTIONS_H))
        if control.kind == "flag":
            return draw(st.booleans())
        if control.kind == "toggle":
            return draw(st.sampled_from([value for _, value, _ in control.options]))
        if name == "route":
            return draw(st.sampled_from(ROUTE_KEYS))
        return draw(st.sampled_from((28.0, 56.0, 84.0)))      # fixed_dose: the device doses

    names = [n for n in CONTROLS if n not in ("projector",)]
    return [(name, value_for(name)) for name in draw(st.lists(st.sampled_from(names), min_size=1,
                                                                max_size=max_changes))]
