"""Disposition models: compartments, volumes and clearances of ketamine once in the blood.

A mammillary model has a central compartment (plasma) exchanging drug with
peripheral compartments. Elimination leaves from one compartment: the centre
in the racemic ketamine models, a hepato-portal (liver) compartment in the
esketamine model of Perez-Ruixo 2021, whose swallowed doses also enter
there. Its response to any input is a sum of exponential modes. :func:`modes`
finds them from the symmetric form of the rate matrix, which keeps every
decay rate real and positive (the matrix is similar to a symmetric one
because flow ``Q`` is the same in both directions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..core.checks import check_choice, check_number
from ..core.parameters import Parameter, load_data_file, parameters_in
from ..core.units import MIN_PER_H, REFERENCE_WEIGHT_KG

__all__ = ["DispositionModel", "MODELS", "DEFAULT_MODEL", "RACEMIC_MODELS", "Modes", "modes", "get_model",
           "terminal_half_life_min"]


@dataclass(frozen=True)
class Modes:
    """Exponential modes of a disposition model at one body weight.

    ``rates_per_min[..., i]`` is the decay rate of mode i; ``amounts[..., p, i]``
    is the amount in compartment p (0 = central) per unit dose injected into
    the centre (:meth:`amounts_from` for another entry); volumes are in L and
    clearance in L/min. ``clearance_l_min`` is the elimination clearance of
    compartment ``eliminated_from``; :attr:`systemic_clearance_l_min` is the
    clearance seen from the blood (equal when elimination is central).
    """

    rates_per_min: np.ndarray
    amounts: np.ndarray
    volumes_l: np.ndarray
    clearance_l_min: np.ndarray
    vectors: np.ndarray = field(repr=False, default=None)
    eliminated_from: int = 0

    def amounts_from(self, entry: int) -> np.ndarray:
        """Amounts (..., compartments, modes) per unit dose entering compartment ``entry``."""
        if entry == 0:
            return self.amounts
        root_v = np.sqrt(self.volumes_l)
        v = self.vectors
        return root_v[..., :, None] * v * (v[..., entry:entry + 1, :] / root_v[..., entry:entry + 1, None])

    def central_area(self, entry: int = 0) -> np.ndarray:
        """Time integral of the central amount (mg min) per mg entering ``entry``: sum of weight / rate."""
        return np.sum(self.amounts_from(entry)[..., 0, :] / self.rates_per_min, axis=-1)

    def systemic_fraction(self, entry: int = 0) -> np.ndarray:
        """Fraction of a dose entering ``entry`` that reaches the central blood (1 for the centre).

        Below 1 for a dose entering the eliminating (liver) compartment: the hepatic first pass.
        """
        return self.central_area(entry) / self.central_area(0)

    @property
    def systemic_clearance_l_min(self) -> np.ndarray:
        """Dose / AUC of the central concentration for an IV dose, L/min."""
        return self.volumes_l[..., 0] / self.central_area(0)


@dataclass(frozen=True)
class DispositionModel:
    """A published disposition model with its numbers and their sources."""

    key: str
    label: str
    population: str
    blood: str           # "arterial", "venous" or "not stated": what the central compartment describes
    drug: str            # "ketamine" (racemic) or "esketamine"
    sources: tuple[str, ...]
    volumes_l_70kg: tuple[float, ...]
    clearance_l_min_70kg: float
    flows_l_min_70kg: tuple[float, ...]
    clearance_weight_exponent: float
    weight_low_kg: float
    weight_high_kg: float
    volume_weight_exponent: float = 1.0
    eliminated_from: int = 0        # compartment that eliminates (0: central; the liver for esketamine)
    selectable: bool = True          # offered as an alternative for the racemic routes
    parameters: dict[str, Parameter] = field(repr=False, default_factory=dict)

    @property
    def n_compartments(self) -> int:
        return len(self.volumes_l_70kg)

    def check_weight(self, weight_kg) -> float:
        """Validate a body weight against this model's range."""
        return check_number("weight_kg", weight_kg, low=self.weight_low_kg,
                            high=self.weight_high_kg, low_open=False, unit="kg")

    def scaled(self, weight_kg):
        """Volumes (L), clearance and flows (L/min) for a body weight (kg); broadcasts."""
        ratio = np.asarray(weight_kg, dtype=float)[..., None] / REFERENCE_WEIGHT_KG
        volumes = np.asarray(self.volumes_l_70kg) * ratio ** self.volume_weight_exponent
        scale = ratio ** self.clearance_weight_exponent
        clearance = self.clearance_l_min_70kg * scale[..., 0]
        flows = np.asarray(self.flows_l_min_70kg) * scale
        return volumes, clearance, flows

    def modes(self, weight_kg: float) -> Modes:
        """Modes at one validated body weight (cached: the explorer calls this often)."""
        return _cached_modes(self.key, self.check_weight(weight_kg))


def modes(volumes_l, clearance_l_min, flows_l_min, *, eliminated_from: int = 0) -> Modes:
    """Exponential modes of a mammillary model; broadcasts over leading axes.

    Parameters
    ----------
    volumes_l : array (..., n)
        Central volume first, then each peripheral volume, L.
    clearance_l_min : array (...)
        Elimination clearance of compartment ``eliminated_from``, L/min.
    flows_l_min : array (..., n - 1)
        Inter-compartmental clearance of each peripheral compartment, L/min.
    eliminated_from : int
        The compartment that eliminates (0, the centre, unless a liver compartment does).

    Examples
    --------
    One compartment: a single mode with rate CL / V holding the whole dose.

    >>> m = modes(np.array([10.0]), np.array(2.0), np.zeros(0))
    >>> float(m.rates_per_min[0]), float(m.amounts[0, 0])
    (0.2, 1.0)

    At t = 0 the amounts sum to the dose in the centre and zero elsewhere:

    >>> m = modes(np.array([25.0, 56.0, 157.0]), np.array(1.4), np.array([2.68, 1.32]))
    >>> np.allclose(m.amounts.sum(axis=-1), [1.0, 0.0, 0.0])
    True
    """
    volumes = np.asarray(volumes_l, dtype=float)
    clearance = np.asarray(clearance_l_min, dtype=float)
    flows = np.asarray(flows_l_min, dtype=float)
    n = volumes.shape[-1]
    # Symmetric rate matrix of y_p = x_p / sqrt(V_p): off-diagonals Q / sqrt(V1 Vp).
    matrix = np.zeros(volumes.shape[:-1] + (n, n))
    matrix[..., 0, 0] = -flows.sum(axis=-1) / volumes[..., 0]
    for p in range(1, n):
        coupling = flows[..., p - 1] / np.sqrt(volumes[..., 0] * volumes[..., p])
        matrix[..., 0, p] = matrix[..., p, 0] = coupling
        matrix[..., p, p] = -flows[..., p - 1] / volumes[..., p]
    e = eliminated_from
    matrix[..., e, e] -= clearance / volumes[..., e]
    eigenvalues, vectors = np.linalg.eigh(matrix)
    root_v = np.sqrt(volumes)
    amounts = root_v[..., :, None] * vectors * (vectors[..., 0:1, :] / root_v[..., 0:1, None])
    return Modes(rates_per_min=-eigenvalues, amounts=amounts, volumes_l=volumes,
                 clearance_l_min=clearance, vectors=vectors, eliminated_from=e)


def _from_table(key: str, table: dict) -> DispositionModel:
    numbers = parameters_in(table)
    value = {name: parameter.value for name, parameter in numbers.items()}
    eliminated_from = 0
    if "vh_l_70kg" in value:   # a hepato-portal compartment last: it alone eliminates (kel + kmet)
        volumes = tuple(value[f"v{i}_l_70kg"] for i in range(1, 4) if f"v{i}_l_70kg" in value)
        flows = tuple(value[f"q{i}_l_per_h_70kg"] / MIN_PER_H for i in range(2, 4)
                      if f"q{i}_l_per_h_70kg" in value)
        volumes += (value["vh_l_70kg"],)
        flows += (value["qh_l_per_h_70kg"] / MIN_PER_H,)
        clearance = value["vh_l_70kg"] * (value["kel_per_h"] + value["kmet_per_h"]) / MIN_PER_H
        eliminated_from = len(volumes) - 1
    elif "v1_l_70kg" in value:
        volumes = tuple(value[f"v{i}_l_70kg"] for i in range(1, 4) if f"v{i}_l_70kg" in value)
        clearance = value["cl_l_per_h_70kg"] / MIN_PER_H
        flows = tuple(value[f"q{i}_l_per_h_70kg"] / MIN_PER_H for i in range(2, 4)
                      if f"q{i}_l_per_h_70kg" in value)
    else:  # micro-constants per min and V1 per kg: V_p = V1 k1p / kp1, Q_p = V1 k1p
        v1 = value["v1_l_per_kg"] * REFERENCE_WEIGHT_KG
        peripherals = [p for p in (2, 3) if f"k1{p}_per_min" in value]
        volumes = (v1,) + tuple(v1 * value[f"k1{p}_per_min"] / value[f"k{p}1_per_min"]
                                for p in peripherals)
        clearance = v1 * value["k10_per_min"]
        flows = tuple(v1 * value[f"k1{p}_per_min"] for p in peripherals)
    return DispositionModel(
        key=key, label=table["label"], population=table["population"], blood=table["blood"],
        drug=table.get("drug", "ketamine"), sources=tuple(table["sources"]), volumes_l_70kg=volumes,
        clearance_l_min_70kg=clearance, flows_l_min_70kg=flows,
        clearance_weight_exponent=value["clearance_weight_exponent"],
        volume_weight_exponent=value.get("volume_weight_exponent", 1.0),
        weight_low_kg=value["weight_low_kg"], weight_high_kg=value["weight_high_kg"],
        eliminated_from=eliminated_from, selectable=table.get("selectable", True), parameters=numbers)


_TABLES = load_data_file("disposition_models.toml")
MODELS: dict[str, DispositionModel] = {key: _from_table(key, table) for key, table in _TABLES.items()}
DEFAULT_MODEL = next(key for key, table in _TABLES.items() if table.get("default"))
#: The racemic disposition models a learner may choose between (``model=`` of simulate).
RACEMIC_MODELS = tuple(key for key, model in MODELS.items() if model.drug == "ketamine" and model.selectable)


def get_model(model: str) -> DispositionModel:
    """Look up a disposition model by key, with a clear error for unknown keys."""
    return MODELS[check_choice("model", model, MODELS)]


@lru_cache(maxsize=512)
def _cached_modes(model_key: str, weight_kg: float) -> Modes:
    model = MODELS[model_key]
    return modes(*model.scaled(weight_kg), eliminated_from=model.eliminated_from)


def terminal_half_life_min(weight_kg: float = REFERENCE_WEIGHT_KG, model: str = DEFAULT_MODEL) -> float:
    """Half-life of a disposition model's slowest exponential, ``ln 2 / smallest rate``, min.

    This is the half-life an infinitely long sampling window would find;
    repeated doses approach steady state over about five of these.

    Examples
    --------
    Clements 1981 (two compartments, rates per kg so weight does not matter):
    the slowest rate solves L**2 - (k10 + k12 + k21) L + k10 k21 = 0 with
    k10 0.0109, k12 0.0186, k21 0.0137 /min, so L = 0.003789 /min and the
    half-life is ln 2 / L = 182.9 min:

    >>> round(terminal_half_life_min(70, "clements1981"), 1)
    182.9
    """
    rates = get_model(model).modes(weight_kg).rates_per_min
    return float(np.log(2.0) / np.min(rates))
