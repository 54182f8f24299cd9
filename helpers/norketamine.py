"""Norketamine, ketamine's first metabolite: a parent-metabolite model in closed form.

Norketamine enters the blood from two places:

* from ketamine cleared from the blood: a fraction ``fm`` of the clearance
  (rate ``fm x CL / V1 x ketamine amount in the centre``);
* for swallowed doses, from drug metabolised before it reaches the blood
  (first pass): a fraction ``f_fp`` of what is lost presystemically (the
  ``first_pass`` amount of :attr:`helpers.simulation.Simulation.amounts_mg`).

It then distributes and is cleared in its own 2-compartment model. With
everything linear, each pathway of each dose is one linear system (the
absorption site, the ketamine compartments and the norketamine
compartments) whose matrix is block-triangular with real, distinct decay
rates. Its eigen-decomposition (``np.linalg.eig``) turns the response into
a sum of exponentials, each with the pathway's bolus or constant-rate
input (:func:`helpers.kernels.mode_response`). No time-stepping.

The teaching relation: norketamine AUC / ketamine AUC (to infinity) is
``(fm x F + f_fp x (absorbed - F)) / F x CL_K / CL_NK`` per dose; with
``f_fp = fm`` and the whole dose absorbed this is ``fm x CL_K / (F x CL_NK)``:
the less of a dose escapes first pass (small F), the more norketamine per
unit of ketamine.

Numbers: ``data/norketamine.toml``.
"""
from __future__ import annotations

import numpy as np

from .disposition import REFERENCE_WEIGHT_KG, get_model
from .kernels import mode_response
from .parameters import Parameter, load_data_file, parameters_in
from .routes import Pathway
from .simulation import NG_ML_PER_MG_L, _dose_inputs

__all__ = ["NORKETAMINE", "norketamine_system", "norketamine_conc_ng_ml", "norketamine_amounts_mg",
           "auc_ratio_inf"]

NORKETAMINE: dict[str, Parameter] = parameters_in(load_data_file("norketamine.toml"))


def _value(name: str) -> float:
    return NORKETAMINE[name].value


def metabolite_disposition(weight_kg: float):
    """Norketamine (volumes L, clearance L/min, flow L/min) at a body weight (kg)."""
    ratio = weight_kg / REFERENCE_WEIGHT_KG
    volumes = np.array([_value("v_l_70kg"), _value("vp_l_70kg")]) * ratio
    clearance = _value("cl_l_per_h_70kg") / 60.0 * ratio ** 0.75
    flow = _value("q_l_per_h_70kg") / 60.0 * ratio ** 0.75
    return volumes, clearance, flow


def norketamine_system(volumes_l, clearance_l_min, flows_l_min, pathway: Pathway, weight_kg: float,
                       fm: float | None = None, f_first_pass: float | None = None):
    """Rate matrix (per min) of one pathway's parent-metabolite system and its state layout.

    States: [absorption site (absorbed pathways only), ketamine centre,
    ketamine peripherals..., norketamine centre, norketamine peripheral].
    Amounts in mg (norketamine in ketamine-mass equivalents).

    Examples
    --------
    Every column sums to minus the rate at which mass leaves the tracked
    states (elimination not forming norketamine, first pass not forming it,
    norketamine clearance):

    >>> from helpers import ROUTES
    >>> a, layout = norketamine_system([25., 56., 157.], 1.4, [2.68, 1.32], ROUTES["iv_bolus"].pathways()[0], 70.)
    >>> bool(np.isclose(a[:, layout["ketamine"]].sum(), -(1 - 0.8) * 1.4 / 25))
    True
    """
    fm = _value("fraction_metabolised") if fm is None else fm
    f_fp = _value("first_pass_fraction") if f_first_pass is None else f_first_pass
    volumes = np.asarray(volumes_l, dtype=float)
    flows = np.asarray(flows_l_min, dtype=float)
    nk_volumes, nk_clearance, nk_flow = metabolite_disposition(weight_kg)
    depot = 1 if pathway.ka_per_min is not None else 0
    k, n = depot, volumes.size
    m = k + n
    size = m + 2
    a = np.zeros((size, size))
    k10 = clearance_l_min / volumes[0]
    a[k, k] -= k10
    a[m, k] += fm * k10
    for p in range(1, n):
        k1p, kp1 = flows[p - 1] / volumes[0], flows[p - 1] / volumes[p]
        a[k, k] -= k1p
        a[k + p, k] += k1p
        a[k + p, k + p] -= kp1
        a[k, k + p] += kp1
    kel, k12, k21 = nk_clearance / nk_volumes[0], nk_flow / nk_volumes[0], nk_flow / nk_volumes[1]
    a[m, m] -= kel + k12
    a[m + 1, m] += k12
    a[m + 1, m + 1] -= k21
    a[m, m + 1] += k21
    if depot:
        ka = pathway.ka_per_min
        a[0, 0] -= ka
        a[k, 0] += pathway.availability * ka
        a[m, 0] += f_fp * (1.0 - pathway.availability) * ka
    layout = {"input": 0, "ketamine": k, "norketamine": m, "norketamine_peripheral": m + 1,
              "nk_volume_l": nk_volumes[0], "nk_clearance_l_min": nk_clearance}
    return a, layout


def _norketamine_modes(a, layout):
    """Decay rates and norketamine (centre, peripheral) weights of each mode, per mg of input."""
    eigenvalues, vectors = np.linalg.eig(a)
    if np.max(np.abs(eigenvalues.imag)) > 1e-12 * np.max(np.abs(eigenvalues.real)):
        raise RuntimeError("parent-metabolite system has complex modes; check the parameters")
    vectors = vectors.real
    inverse = np.linalg.inv(vectors)
    rows = [layout["norketamine"], layout["norketamine_peripheral"]]
    return -eigenvalues.real, vectors[rows, :] * inverse[:, layout["input"]][None, :]   # (2, modes)


def _pathway_norketamine(modes, pathway: Pathway, tau, *, integral=False):
    """Norketamine amounts (centre, peripheral), mg per mg entering the pathway: (2, T)."""
    rates, weights = modes
    per_mode = mode_response(rates[:, None], np.asarray(tau, dtype=float)[None, :],
                             release_min=pathway.release_min, integral=integral)
    return weights @ per_mode


def norketamine_amounts_mg(sim, t_min=None) -> dict[str, np.ndarray]:
    """Norketamine in the blood (``central``), tissues (``peripheral``) and ``eliminated``, mg.

    Amounts in ketamine-mass equivalents at each time of ``t_min`` (default:
    the simulation's grid). ``central + peripheral + eliminated`` equals the
    norketamine formed so far: ``fm x eliminated ketamine + f_fp x first pass``.
    """
    t = sim.t_min if t_min is None else np.atleast_1d(np.asarray(t_min, dtype=float))
    volumes, clearance, flows = get_model(sim.model).scaled(sim.weight_kg)
    out = {name: np.zeros_like(t) for name in ("central", "peripheral", "eliminated")}
    systems = {}
    for pathway, t0, amount in _dose_inputs(sim._pathways, sim.dose_times_min, sim.dose_mg):
        if id(pathway) not in systems:   # one decomposition per pathway, reused for every dose
            a, layout = norketamine_system(volumes, clearance, flows, pathway, sim.weight_kg)
            systems[id(pathway)] = (_norketamine_modes(a, layout), layout)
        modes, layout = systems[id(pathway)]
        tau = t - t0 - pathway.lag_min
        level = amount * _pathway_norketamine(modes, pathway, tau)
        area = amount * _pathway_norketamine(modes, pathway, tau, integral=True)
        out["central"] += level[0]
        out["peripheral"] += level[1]
        out["eliminated"] += layout["nk_clearance_l_min"] / layout["nk_volume_l"] * area[0]
    return out


def norketamine_conc_ng_ml(sim, t_min=None) -> np.ndarray:
    """Plasma norketamine (ng/mL, ketamine-mass equivalents) for a :class:`Simulation`.

    Examples
    --------
    After an IV bolus, norketamine starts at zero, rises, then falls:

    >>> from helpers import simulate
    >>> sim = simulate("iv_bolus", 35, 70, t_end_min=1440)
    >>> nk = sim.norketamine_ng_ml
    >>> bool(abs(nk[0]) < 1e-9 and nk.max() > nk[-1] > 0)
    True
    """
    nk_volume_l = metabolite_disposition(sim.weight_kg)[0][0]
    return norketamine_amounts_mg(sim, t_min)["central"] / nk_volume_l * NG_ML_PER_MG_L


def auc_ratio_inf(sim) -> float:
    """Teaching relation: norketamine / ketamine AUC to infinity, from the mass that forms.

    ``(fm x F x dose + f_fp x first-pass loss) / CL_NK`` over ``F x dose / CL_K``,
    with the whole dose eventually absorbed.

    Examples
    --------
    After an IV dose only clearance forms norketamine: ratio = fm x CL_K / CL_NK.

    >>> from helpers import simulate
    >>> sim = simulate("iv_bolus", 35, 70)
    >>> cl_nk = NORKETAMINE["cl_l_per_h_70kg"].value / 60
    >>> bool(np.isclose(auc_ratio_inf(sim), 0.8 * sim.clearance_l_min / cl_nk))
    True
    """
    fm, f_fp = _value("fraction_metabolised"), _value("first_pass_fraction")
    nk_clearance = metabolite_disposition(sim.weight_kg)[1]
    bioavailable = sim.bioavailable_dose_mg
    formed = fm * bioavailable + f_fp * (sim.total_dose_mg - bioavailable)
    return (formed / nk_clearance) / (bioavailable / sim.clearance_l_min)
