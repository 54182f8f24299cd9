"""An independent reference solution of the same linear model, for the tests.

It shares only the *parameters* with ``helpers`` (volumes, clearances and
route pathways) and solves the full set of linear ODEs with scipy's matrix
exponential, piece by piece between the instants where an input switches
on or off. States: one absorption site per pathway, the central and
peripheral compartments, the amount eliminated and the amount lost to
first-pass metabolism.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from helpers import MODELS, ROUTES


def _system(model_key, weight_kg, pathways, disposition=None, metabolite=None, followers=()):
    """Rate matrix. ``disposition`` = (volumes, clearance, flows) overrides the model's;
    ``metabolite`` = (fm, f_first_pass, (V_nk, Vp_nk), CL_nk, Q_nk) appends two
    norketamine states (centre, peripheral) after the first-pass state; each rate k in
    ``followers`` appends one more state, a concentration following the central one,
    dC/dt = k (C_central - C) (a venous delay or an effect site), in mg/L."""
    volumes, clearance, flows = (MODELS[model_key].scaled(weight_kg) if disposition is None
                                 else disposition)
    n_depots, n_cmt = len(pathways), len(volumes)
    central = n_depots
    eliminating = central + MODELS[model_key].eliminated_from     # the centre, or a liver compartment
    eliminated, first_pass = n_depots + n_cmt, n_depots + n_cmt + 1
    n_metabolite = 2 if metabolite is not None else 0
    size = first_pass + 1 + n_metabolite + len(followers)
    a = np.zeros((size, size))
    k_elimination = clearance / volumes[eliminating - central]
    a[eliminating, eliminating] -= k_elimination
    a[eliminated, eliminating] += k_elimination
    for p in range(1, n_cmt):
        k1p, kp1 = flows[p - 1] / volumes[0], flows[p - 1] / volumes[p]
        a[central, central] -= k1p
        a[central + p, central] += k1p
        a[central + p, central + p] -= kp1
        a[central, central + p] += kp1
    for d, pathway in enumerate(pathways):
        if pathway.ka_per_min is not None:
            target = eliminating if pathway.entry == "eliminating" else central
            a[d, d] -= pathway.ka_per_min
            a[target, d] += pathway.availability * pathway.ka_per_min
            a[first_pass, d] += (1 - pathway.availability) * pathway.ka_per_min
    if metabolite is not None:
        fm, f_fp, (v_nk, vp_nk), cl_nk, q_nk = metabolite
        nk, nk_p = first_pass + 1, first_pass + 2
        a[nk, eliminating] += fm * k_elimination
        for d, pathway in enumerate(pathways):
            if pathway.ka_per_min is not None:
                a[nk, d] += f_fp * (1 - pathway.availability) * pathway.ka_per_min
        a[nk, nk] -= (cl_nk + q_nk) / v_nk
        a[nk_p, nk] += q_nk / v_nk
        a[nk_p, nk_p] -= q_nk / vp_nk
        a[nk, nk_p] += q_nk / vp_nk
    for i, rate in enumerate(followers):
        state = first_pass + 1 + n_metabolite + i
        a[state, central] += rate / volumes[0]
        a[state, state] -= rate
    return a, central, volumes[0]


def reference_amounts(route, dose_mg, weight_kg, t_min, *, infusion_min=None, n_doses=1,
                      interval_min=0.0, swallowed_fraction=None, model="kamp2020",
                      pathways=None, disposition=None, metabolite=None, followers=()):
    """State amounts (mg) at each time in ``t_min``; also returns the central index and V1.

    ``pathways`` and ``disposition`` (volumes, clearance, flows) override the
    catalogue's (one simulated patient); ``metabolite`` adds norketamine
    states as the last two columns; ``followers`` adds concentration states (mg/L) that follow
    the central one, last (see ``_system``).
    """
    if pathways is None:
        pathways = ROUTES[route].pathways(swallowed_fraction=swallowed_fraction, infusion_min=infusion_min,
                                          dose_mg=dose_mg)
    if ROUTES[route].model is not None:
        model = ROUTES[route].model
    a, central, v1 = _system(model, weight_kg, pathways, disposition, metabolite, followers)
    size = a.shape[0]
    boluses, rates = [], []   # (time, state, mg) and (start, stop, state, mg/min)
    for k in range(n_doses):
        for d, pathway in enumerate(pathways):
            target = central if pathway.ka_per_min is None else d
            if pathway.ka_per_min is None and pathway.entry == "eliminating":
                target = central + MODELS[model].eliminated_from
            start = k * (interval_min or 0.0) + pathway.lag_min
            amount = dose_mg * pathway.share
            if pathway.release_min > 0:
                rates.append((start, start + pathway.release_min, target, amount / pathway.release_min))
            else:
                boluses.append((start, target, amount))
    events = sorted({0.0, *(b[0] for b in boluses), *(r[0] for r in rates), *(r[1] for r in rates),
                     float(t_min[-1])})
    state = np.zeros(size)
    out = np.zeros((len(t_min), size))
    t_min = np.asarray(t_min, dtype=float)
    for start, stop in zip(events[:-1], events[1:]):
        for time, target, amount in boluses:
            if time == start:
                state[target] += amount
        u = np.zeros(size)
        for r_start, r_stop, target, rate in rates:
            if r_start <= start < r_stop:
                u[target] += rate
        augmented = np.zeros((size + 1, size + 1))
        augmented[:size, :size], augmented[:size, size] = a, u
        inside = (t_min >= start) & ((t_min < stop) | ((stop == events[-1]) & (t_min <= stop)))
        for i in np.flatnonzero(inside):
            out[i] = (expm(augmented * (t_min[i] - start)) @ np.append(state, 1.0))[:size]
        state = (expm(augmented * (stop - start)) @ np.append(state, 1.0))[:size]
    return out, central, v1


def reference_conc_ng_ml(route, dose_mg, weight_kg, t_min, **options):
    """Plasma concentration (ng/mL) from the reference solution."""
    out, central, v1 = reference_amounts(route, dose_mg, weight_kg, t_min, **options)
    return out[:, central] / v1 * 1000.0
