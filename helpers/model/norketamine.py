"""Norketamine, ketamine's first metabolite (noresketamine for esketamine): a closed-form model.

The metabolite enters the blood from two places:

* from the parent drug eliminated from the body: a fraction ``fm`` of the
  elimination (rate ``fm x CL / V x amount in the eliminating compartment``:
  the centre for racemic ketamine, the liver compartment for esketamine);
* for absorbed doses, from drug metabolised before it reaches the blood
  (first pass): a fraction ``f_fp`` of what is lost presystemically (the
  ``first_pass`` amount of :attr:`helpers.Simulation.amounts_mg`).

It then distributes and is cleared in its own 2-compartment model, whose
modes come from the same :func:`helpers.model.disposition.modes` as
ketamine's. Both contributions are further blocks on the same evaluation
engine (:func:`helpers.model.engine.then`): no time-stepping and no second
solver.

The teaching relation: norketamine AUC / ketamine AUC (to infinity) is
``(fm x F + f_fp x (absorbed - F)) / F x CL_K / CL_NK`` per dose; with
``f_fp = fm`` and the whole dose absorbed this is ``fm x CL_K / (F x CL_NK)``:
the less of a dose escapes first pass (small F), the more norketamine per
unit of ketamine.

Numbers, one table per drug: ``data/norketamine.toml``.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from ..core.checks import check_times
from ..core.parameters import Parameter, load_data_file, parameters_in
from ..core.units import MIN_PER_H, REFERENCE_WEIGHT_KG
from .disposition import modes
from .engine import Modal, combine, disposition_modal, superpose, then

__all__ = ["NORKETAMINE", "METABOLITES", "METABOLITE_LABELS", "metabolite_disposition", "norketamine_volume_l",
           "norketamine_modal", "norketamine_amounts_mg", "auc_ratio_inf"]

_TABLES = load_data_file("norketamine.toml")
#: Every sourced number of each drug's metabolite model, by drug ("ketamine", "esketamine").
METABOLITES: dict[str, dict[str, Parameter]] = {drug: parameters_in(table) for drug, table in _TABLES.items()}
#: The metabolite's name for each drug ("norketamine", "noresketamine").
METABOLITE_LABELS: dict[str, str] = {drug: table["label"] for drug, table in _TABLES.items()}
#: Racemic ketamine's norketamine numbers.
NORKETAMINE: dict[str, Parameter] = METABOLITES["ketamine"]


def _check_sim(sim):
    """The simulation module imports this one, so a simulation is recognised by what it offers."""
    if not all(hasattr(sim, name) for name in ("dose_inputs", "modes", "drug", "t_min")):
        raise ValueError(f"sim must be the result of helpers.simulate(); got {sim!r}"[:200])
    return sim


def _value(name: str, drug: str = "ketamine") -> float:
    return METABOLITES[drug][name].value


def metabolite_disposition(weight_kg: float, drug: str = "ketamine"):
    """The metabolite's (volumes L, clearance L/min, flow L/min) at a body weight (kg).

    Examples
    --------
    >>> volumes, clearance, flow = metabolite_disposition(70.0)
    >>> volumes.tolist(), round(clearance * 60, 6), round(flow * 60, 6)
    ([98.6, 160.0], 57.7, 42.8)
    """
    table = METABOLITES[drug]
    ratio = weight_kg / REFERENCE_WEIGHT_KG
    volume_exponent = table["volume_weight_exponent"].value if "volume_weight_exponent" in table else 1.0
    volumes = np.array([_value("v_l_70kg", drug), _value("vp_l_70kg", drug)]) * ratio ** volume_exponent
    scale = ratio ** _value("clearance_weight_exponent", drug)
    clearance = _value("cl_l_per_h_70kg", drug) / MIN_PER_H * scale
    flow = _value("q_l_per_h_70kg", drug) / MIN_PER_H * scale
    return volumes, clearance, flow


def norketamine_volume_l(weight_kg: float, drug: str = "ketamine") -> float:
    """Central volume of the metabolite at a body weight, L."""
    return float(metabolite_disposition(weight_kg, drug)[0][0])


def norketamine_modal(parent_modes, pathway, weight_kg: float, drug: str = "ketamine") -> Modal:
    """Metabolite amounts (``central``, ``peripheral``; mg) per mg entering a pathway of the parent drug."""
    fm, f_fp = _value("fraction_metabolised", drug), _value("first_pass_fraction", drug)
    volumes, clearance, flow = metabolite_disposition(weight_kg, drug)
    metabolite = modes(volumes, np.asarray(clearance), np.array([flow]))
    block_rates, block_weights = metabolite.rates_per_min, metabolite.amounts       # per mg formed
    blood = disposition_modal(parent_modes, pathway.entry).scaled(pathway.availability)
    e = parent_modes.eliminated_from
    k_elimination = parent_modes.clearance_l_min / parent_modes.volumes_l[..., e]
    formed = then(blood, "eliminating", block_rates, block_weights, ("central", "peripheral"),
                  gain=fm * k_elimination)
    lost = 1.0 - pathway.availability
    if pathway.ka_per_min is None or lost <= 0 or f_fp == 0:
        return formed
    # first pass: the drug leaving the absorption site without reaching the blood forms f_fp of it
    first_pass = Modal(("central", "peripheral"), block_rates, block_weights * (f_fp * lost))
    return combine(formed, first_pass)


def norketamine_amounts_mg(sim, t_min=None, *, central_only: bool = False) -> dict[str, np.ndarray]:
    """Norketamine in the blood (``central``), tissues (``peripheral``) and ``eliminated``, mg.

    Amounts in parent-mass equivalents at each time of ``t_min`` (default:
    the simulation's grid); the metabolite of the simulation's drug. ``central +
    peripheral + eliminated`` equals the metabolite formed so far:
    ``fm x eliminated parent + f_fp x first pass``. ``central_only`` computes the blood
    amount alone (what the plotted curve needs).
    """
    _check_sim(sim)
    t = sim.t_min if t_min is None else np.atleast_1d(check_times("t_min", t_min, high=float(sim.t_min[-1]) * 1e3))
    volumes, clearance, _ = metabolite_disposition(sim.weight_kg, sim.drug)
    modal_of = partial(norketamine_modal, sim.modes, weight_kg=sim.weight_kg, drug=sim.drug)
    if central_only:
        return {"central": superpose(sim.dose_inputs(), lambda p: modal_of(p).select("central"), t)[0]}
    level = superpose(sim.dose_inputs(), modal_of, t)
    area = superpose(sim.dose_inputs(), lambda p: modal_of(p).select("central"), t, integral=True)
    return {"central": level[0], "peripheral": level[1], "eliminated": clearance / volumes[0] * area[0]}


def auc_ratio_inf(sim) -> float:
    """Teaching relation: norketamine / ketamine AUC to infinity, from the mass that forms.

    ``(fm x F x dose + f_fp x first-pass loss) / CL_NK`` over ``F x dose / CL_K``,
    with the whole dose eventually absorbed.

    Examples
    --------
    After an IV dose only clearance forms norketamine: ratio = fm x CL_K / CL_NK (fm = 1).

    >>> from helpers import simulate
    >>> sim = simulate("iv_bolus", 35, 70)
    >>> cl_nk = NORKETAMINE["cl_l_per_h_70kg"].value / 60
    >>> bool(np.isclose(auc_ratio_inf(sim), 1.0 * sim.clearance_l_min / cl_nk))
    True
    """
    _check_sim(sim)
    fm, f_fp = _value("fraction_metabolised", sim.drug), _value("first_pass_fraction", sim.drug)
    nk_clearance = metabolite_disposition(sim.weight_kg, sim.drug)[1]
    bioavailable = sim.bioavailable_dose_mg
    formed = fm * bioavailable + f_fp * (sim.total_dose_mg - bioavailable)
    return (formed / nk_clearance) / (bioavailable / sim.clearance_l_min)
