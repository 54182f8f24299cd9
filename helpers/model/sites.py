"""Where a concentration is read: arterial or forearm-venous blood, or the effect site.

A disposition model describes one kind of blood (``blood`` in
``data/disposition_models.toml``; Kamp 2020's central compartment is
arterial). The other is derived from it by a first-order delay, and the
effect site (where the drug acts) by the classic effect compartment
``dCe/dt = ke0 (Cp - Ce)``. Both are one more block on the evaluation engine
(:func:`helpers.model.engine.then`), so they exist for every route, dose and
patient. Numbers and their sources: ``data/blood_sites.toml``.

Examples
--------
The effect site lags the blood: after a bolus it peaks later and lower, and
at its own peak it equals the blood level (its derivative is zero there).

>>> from helpers import simulate
>>> sim = simulate("iv_bolus", 35, 70, t_end_min=120, dt_min=0.01)
>>> ce = sim.effect_site_ng_ml
>>> peak = int(ce.argmax())
>>> bool(sim.t_min[peak] > sim.tmax_min and ce.max() < sim.cmax_ng_ml)
True
>>> bool(abs(ce[peak] - sim.conc_ng_ml[peak]) < 1e-3 * ce[peak])
True
"""
from __future__ import annotations

from ..core.checks import check_choice, check_number
from ..core.parameters import Parameter, load_data_file, parameters_in
from .engine import Modal, then

__all__ = ["SITES", "SAMPLING_SITES", "BLOOD_SITE_NUMBERS", "resolve_sampling_site", "to_site",
           "to_effect_site", "default_ke0_per_min"]

_TABLES = load_data_file("blood_sites.toml")
#: Every sourced number of the blood-site and effect-site models.
BLOOD_SITE_NUMBERS: dict[str, Parameter] = parameters_in(_TABLES)
#: The kinds of blood a curve can describe.
SAMPLING_SITES = ("arterial", "venous")
#: Human-readable labels, e.g. for plot legends.
SITES = {"arterial": "Arterial blood", "venous": _TABLES["venous"]["label"],
         "effect": _TABLES["effect_site"]["label"]}


def _number(name: str) -> Parameter:
    return BLOOD_SITE_NUMBERS[name]


def default_ke0_per_min() -> float:
    """The default blood-effect-site equilibration rate constant, 1/min."""
    return _number("effect_site.ke0_per_min").value


def resolve_sampling_site(model_key: str, model_blood: str, sampling_site) -> str:
    """The site a curve will describe: the model's own blood when ``sampling_site`` is None.

    Raises ValueError naming the valid choices when the model cannot give the requested site.
    """
    if sampling_site is None:
        return model_blood
    site = check_choice("sampling_site", sampling_site, SAMPLING_SITES)
    if model_blood not in SAMPLING_SITES:
        raise ValueError(f"sampling_site must be None for model {model_key!r}, whose blood is "
                         f"{model_blood!r} (the paper does not say); got {sampling_site!r}")
    if site != model_blood and model_blood != "arterial":
        raise ValueError(f"sampling_site must be None or {model_blood!r} for model {model_key!r}: no "
                         f"published way leads from {model_blood} back to {site} blood; got {sampling_site!r}")
    return site


def to_site(conc: Modal, model_blood: str, site: str) -> Modal:
    """The concentration output of ``conc`` (the model's own blood) read at ``site`` instead."""
    if site == model_blood:
        return conc
    rate = _number("venous.arterial_to_venous_per_min").value
    return then(conc, conc.names[0], [rate], [[rate]], (site,))


def to_effect_site(conc: Modal, ke0_per_min: float | None = None) -> Modal:
    """The effect-site concentration driven by the concentration output of ``conc``.

    ``ke0_per_min`` defaults to the borrowed average of Olofsen 2012 (0.11/min).
    """
    ke0 = default_ke0_per_min() if ke0_per_min is None else check_number(
        "ke0_per_min", ke0_per_min, low=1e-3, high=10.0, low_open=False, unit="1/min")
    return then(conc, conc.names[0], [ke0], [[ke0]], ("effect",))
