"""An independent reference solution of the same linear model, for the tests.

It shares nothing with ``helpers`` but the data files: it reads the raw numbers
itself (``tomllib``, from ``helpers/data`` or the folder ``$KETAMINE_LAB_DATA``
names) and re-derives, from the formulas the data files and the model's
documentation state, everything the package computes from them:

* each route's pathways (share of a dose, availability, absorption rate, lag,
  constant-rate release, entry compartment), including the mucosal
  availability of a split route, ``F_mucosa = (F - s0 F_oral) / (1 - s0)`` at
  the default swallowed fraction ``s0``, and the device sessions of a nasal
  spray product;
* each disposition model's volumes, clearance and flows at a body weight:
  ``V = V_70 (W / 70) ** volume_exponent`` (1 unless the data say otherwise),
  ``CL, Q = CL_70, Q_70 (W / 70) ** clearance_exponent``; micro-constant models
  ``V1 = v1_per_kg x 70``, ``Vp = V1 k1p / kp1``, ``Qp = V1 k1p``, ``CL = V1 k10``;
  a hepato-portal compartment ``Vh`` exchanging at ``Qh`` and alone eliminating at
  ``kel + kmet``;
* the metabolite's two-compartment model (:func:`reference_metabolite`).

It then writes the full set of linear ODEs as a rate matrix and solves it with
scipy's matrix exponential, piece by piece between the instants where an input
switches on or off. States: one absorption site per pathway, the central and
peripheral compartments, the amount eliminated and the amount lost to first-pass
metabolism (then, if asked, two metabolite states and follower concentrations).

It never calls the package's pathway, scaling, modes or engine code. Callers may
still hand it ``pathways`` (any objects with ``share``, ``availability``,
``ka_per_min``, ``lag_min``, ``release_min`` and ``entry`` attributes) and a
``disposition`` (volumes, clearance, flows) for one sampled patient: those are
random draws, which the oracle takes as plain numbers.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.linalg import expm

REFERENCE_KG = 70.0     # the data files give their volumes and clearances for a 70-kg adult ("_70kg")
MIN_PER_H = 60.0
NG_ML_PER_MG_L = 1000.0


# ----------------------------------------------------------------------------- raw numbers from the data files
def data_dir() -> Path:
    """The folder the package reads its data from: ``$KETAMINE_LAB_DATA`` if set, else ``helpers/data``."""
    folder = os.environ.get("KETAMINE_LAB_DATA")
    return Path(folder) if folder else Path(__file__).resolve().parent.parent / "helpers" / "data"


@cache
def _file(filename: str, folder: str) -> dict:
    with open(Path(folder, filename), "rb") as handle:
        return tomllib.load(handle)


def data_file(filename: str) -> dict:
    """A data file parsed with tomllib, nothing else."""
    return _file(filename, str(data_dir()))


def data_value(table: dict, dotted: str, default=None):
    """The ``value`` of a sourced number in a parsed table (``"mucosal.ka_per_min"`` walks sub-tables)."""
    item = table
    for part in dotted.split("."):
        if not isinstance(item, dict) or part not in item:
            return default
        item = item[part]
    return float(item["value"])


# ----------------------------------------------------------------------------- routes -> inputs
@dataclass(frozen=True)
class Input:
    """One way a share of each dose reaches the body (the oracle's own pathway)."""

    share: float
    availability: float
    ka_per_min: float | None      # None: straight into the blood
    lag_min: float = 0.0
    release_min: float = 0.0
    entry: str = "central"        # or "eliminating": the model's liver compartment


def _absorbed(table: dict, prefix: str, share: float, availability: float, lag_min: float = 0.0,
              entry: str = "central") -> Input:
    return Input(share, availability, data_value(table, f"{prefix}ka_per_min"),
                 data_value(table, f"{prefix}lag_min", 0.0) + lag_min, data_value(table, f"{prefix}release_min", 0.0),
                 entry)


def reference_inputs(route: str, *, swallowed_fraction=None, infusion_min=None, dose_mg=None) -> list[Input]:
    """The pathways of one dose of ``route``, derived from ``routes.toml`` alone."""
    routes = data_file("routes.toml")
    table = routes[route]
    kind = table["kind"]
    if kind == "intravenous":
        if "default_infusion_min" in table:
            duration = data_value(table, "default_infusion_min") if infusion_min is None else float(infusion_min)
        else:
            duration = data_value(table, "injection_min", 0.0)
        return [Input(1.0, 1.0, None, 0.0, duration)]
    if kind == "absorbed":
        return [_absorbed(table, "", 1.0, data_value(table, "bioavailability"))]
    if kind == "mucosal_and_swallowed":
        oral = routes[table["swallowed_route"]]
        f_route, f_oral = data_value(table, "bioavailability"), data_value(oral, "bioavailability")
        s0 = data_value(table, "swallowed_fraction")
        s = s0 if swallowed_fraction is None else float(swallowed_fraction)
        f_mucosa = (f_route - s0 * f_oral) / (1.0 - s0)     # so that F(s0) is the published F
        mucosa = _absorbed(table, "mucosal.", 1.0 - s, f_mucosa)
        if data_value(table, "swallowed.ka_per_min") is not None:     # the route's own timing for what is swallowed
            gut = _absorbed(table, "swallowed.", s, f_oral)
        else:
            gut = _absorbed(oral, "", s, f_oral)
        return [mucosa, gut]
    if kind == "device_session":
        device_mg = data_value(table, "device_mg")
        n = round((device_mg if dose_mg is None else float(dose_mg)) / device_mg)
        first, later = data_value(table, "nasal_fraction_first_device"), data_value(table, "later_device_factor")
        gut = data_value(table, "gut_availability")
        found = []
        for i in range(n):
            nasal = first if i == 0 else first * later
            lag = i * data_value(table, "device_interval_min")
            found.append(_absorbed(table, "mucosal.", nasal / n, 1.0, lag))
            found.append(_absorbed(table, "swallowed.", (1.0 - nasal) / n, gut, lag, entry="eliminating"))
        return found
    raise ValueError(f"the reference solver does not know route kind {kind!r}")


def reference_bioavailability(route: str, **options) -> float:
    """Share-weighted availability of the route's inputs (before any hepatic first pass inside the model)."""
    return sum(p.share * p.availability for p in reference_inputs(route, **options))


def route_model(route: str, model: str) -> str:
    """The route's own disposition model (a product's), else ``model``."""
    return data_file("routes.toml")[route].get("model") or model


# ----------------------------------------------------------------------------- disposition, metabolite
def _exponent(table: dict, name: str, default: float) -> float:
    return data_value(table, name, default)


def reference_disposition(model: str, weight_kg: float):
    """(volumes L, clearance L/min, flows L/min, index of the eliminating compartment) at a body weight."""
    table = data_file("disposition_models.toml")[model]
    v = lambda name: data_value(table, name)       # noqa: E731
    ratio = float(weight_kg) / REFERENCE_KG
    eliminating = 0
    if "v1_l_70kg" in table:
        volumes = [v(f"v{i}_l_70kg") for i in (1, 2, 3) if f"v{i}_l_70kg" in table]
        flows = [v(f"q{i}_l_per_h_70kg") / MIN_PER_H for i in (2, 3) if f"q{i}_l_per_h_70kg" in table]
        if "vh_l_70kg" in table:     # hepato-portal compartment, last, alone eliminating at kel + kmet
            volumes.append(v("vh_l_70kg"))
            flows.append(v("qh_l_per_h_70kg") / MIN_PER_H)
            clearance = v("vh_l_70kg") * (v("kel_per_h") + v("kmet_per_h")) / MIN_PER_H
            eliminating = len(volumes) - 1
        else:
            clearance = v("cl_l_per_h_70kg") / MIN_PER_H
    else:                            # micro-constants per min, V1 per kg
        v1 = v("v1_l_per_kg") * REFERENCE_KG
        peripheral = [p for p in (2, 3) if f"k1{p}_per_min" in table]
        volumes = [v1] + [v1 * v(f"k1{p}_per_min") / v(f"k{p}1_per_min") for p in peripheral]
        flows = [v1 * v(f"k1{p}_per_min") for p in peripheral]
        clearance = v1 * v("k10_per_min")
    volume_scale = ratio ** _exponent(table, "volume_weight_exponent", 1.0)
    clearance_scale = ratio ** _exponent(table, "clearance_weight_exponent", 1.0)
    return (np.array(volumes) * volume_scale, clearance * clearance_scale, np.array(flows) * clearance_scale,
            eliminating)


def reference_metabolite(weight_kg: float, drug: str = "ketamine"):
    """``(fm, f_first_pass, (V, Vp), CL, Q)`` of a drug's metabolite from ``norketamine.toml`` (``metabolite=``)."""
    table = data_file("norketamine.toml")[drug]
    v = lambda name: data_value(table, name)       # noqa: E731
    ratio = float(weight_kg) / REFERENCE_KG
    volume_scale = ratio ** _exponent(table, "volume_weight_exponent", 1.0)
    clearance_scale = ratio ** _exponent(table, "clearance_weight_exponent", 1.0)
    return (v("fraction_metabolised"), v("first_pass_fraction"),
            (v("v_l_70kg") * volume_scale, v("vp_l_70kg") * volume_scale),
            v("cl_l_per_h_70kg") / MIN_PER_H * clearance_scale, v("q_l_per_h_70kg") / MIN_PER_H * clearance_scale)


def _as_input(p) -> Input:
    return Input(float(p.share), float(p.availability), None if p.ka_per_min is None else float(p.ka_per_min),
                 float(getattr(p, "lag_min", 0.0)), float(getattr(p, "release_min", 0.0)),
                 getattr(p, "entry", "central"))


# ----------------------------------------------------------------------------- the ODE system
def _system(disposition, eliminated_from, pathways, metabolite=None, followers=()):
    """Rate matrix. ``disposition`` = (volumes, clearance, flows); elimination leaves compartment
    ``eliminated_from``. ``metabolite`` = (fm, f_first_pass, (V_nk, Vp_nk), CL_nk, Q_nk) appends two
    norketamine states (centre, peripheral) after the first-pass state; each rate k in
    ``followers`` appends one more state, a concentration following the central one,
    dC/dt = k (C_central - C) (a venous delay or an effect site), in mg/L."""
    volumes, clearance, flows = disposition
    volumes, flows = np.asarray(volumes, dtype=float), np.asarray(flows, dtype=float)
    n_depots, n_cmt = len(pathways), len(volumes)
    central = n_depots
    eliminating = central + eliminated_from      # the centre, or a liver compartment
    eliminated, first_pass = n_depots + n_cmt, n_depots + n_cmt + 1
    n_metabolite = 2 if metabolite is not None else 0
    size = first_pass + 1 + n_metabolite + len(followers)
    a = np.zeros((size, size))
    k_elimination = float(clearance) / volumes[eliminated_from]
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
    return a, central, float(volumes[0])


def reference_amounts(route, dose_mg, weight_kg, t_min, *, infusion_min=None, n_doses=1,
                      interval_min=0.0, swallowed_fraction=None, model="kamp2020",
                      pathways=None, disposition=None, metabolite=None, followers=()):
    """State amounts (mg) at each time in ``t_min``; also returns the central index and V1.

    ``pathways`` and ``disposition`` (volumes, clearance, flows) override the
    data files' (one simulated patient); ``metabolite`` adds norketamine
    states as the last two columns; ``followers`` adds concentration states (mg/L) that follow
    the central one, last (see ``_system``).
    """
    if pathways is None:
        inputs = reference_inputs(route, swallowed_fraction=swallowed_fraction, infusion_min=infusion_min,
                                  dose_mg=dose_mg)
    else:
        inputs = [_as_input(p) for p in pathways]
    model = route_model(route, model)
    volumes, clearance, flows, eliminated_from = reference_disposition(model, weight_kg)
    if disposition is not None:
        volumes, clearance, flows = disposition
    a, central, v1 = _system((volumes, clearance, flows), eliminated_from, inputs, metabolite, followers)
    size = a.shape[0]
    boluses, rates = [], []   # (time, state, mg) and (start, stop, state, mg/min)
    for k in range(n_doses):
        for d, pathway in enumerate(inputs):
            if pathway.ka_per_min is not None:
                target = d
            else:
                target = central + (eliminated_from if pathway.entry == "eliminating" else 0)
            start = k * (interval_min or 0.0) + pathway.lag_min
            amount = dose_mg * pathway.share
            if pathway.release_min > 0:
                rates.append((start, start + pathway.release_min, target, amount / pathway.release_min))
            else:
                boluses.append((start, target, amount))
    t_min = np.asarray(t_min, dtype=float)
    events = sorted({0.0, *(b[0] for b in boluses), *(r[0] for r in rates), *(r[1] for r in rates),
                     float(t_min[-1])})
    state = np.zeros(size)
    out = np.zeros((len(t_min), size))
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
    return out[:, central] / v1 * NG_ML_PER_MG_L
