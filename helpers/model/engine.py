"""The one evaluation engine: every simulated quantity as weights over exponential modes.

A linear model answers one unit of drug entering a pathway with, for each
quantity it tracks (an *output*: the central amount, a peripheral amount,
the venous or effect-site concentration, norketamine), a weighted sum of
the same few mode responses::

    output_o(t) = sum_j weights[o, j] x response(rate_j, t)

where ``response`` is the answer of a mode with decay ``rate_j`` to the
pathway's input (a bolus, a constant-rate release, first-order absorption:
see :mod:`helpers.model.kernels`, the only module that knows input shapes).
A :class:`Modal` holds the rates and weights; it is built once per
disposition and pathway and evaluated on any time grid:

* :func:`disposition_modal`: the central and peripheral amounts of a
  mammillary model (its modes, from :mod:`helpers.model.disposition`);
* :func:`then`: an output passed through a further linear block (effect
  site, venous delay, norketamine formation and disposition): a
  convolution, done exactly by partial fractions on the weights;
* :func:`superpose`: the sum of :func:`evaluate` over every pathway of
  every dose (superposition), for the blood, venous, effect-site and
  norketamine curves alike;
* :func:`evaluate` (exact, for single simulations) and
  :func:`evaluate_fast` (plain exponentials on a grid, for hundreds of
  patients at once). Both take the rates and weights with any leading
  (patient) axes.

So :func:`helpers.simulate`, :func:`helpers.simulate_population`, the
norketamine curve, the venous curve and the effect site all run through the
same two functions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kernels import as_exponentials, exponential_sum, mode_response, nudged_apart

__all__ = ["Modal", "disposition_modal", "then", "combine", "evaluate", "evaluate_fast", "superpose"]


@dataclass(frozen=True)
class Modal:
    """Named outputs as weights over decay rates; any leading axes index patients.

    ``rates``: (..., m) per min; ``weights``: (..., len(names), m), in the
    output's unit per mg entering the pathway.
    """

    names: tuple[str, ...]
    rates: np.ndarray
    weights: np.ndarray

    def select(self, *names: str) -> Modal:
        """The same rates with only the named outputs, in the order given."""
        rows = [self.names.index(name) for name in names]
        return Modal(tuple(names), self.rates, self.weights[..., rows, :])

    def scaled(self, factor) -> Modal:
        """Every output multiplied by ``factor`` (a number, or one per patient)."""
        factor = np.asarray(factor, dtype=float)[..., None, None]
        return Modal(self.names, self.rates, self.weights * factor)

    def renamed(self, *names: str) -> Modal:
        return Modal(tuple(names), self.rates, self.weights)


def disposition_modal(modes, entry: str = "central") -> Modal:
    """Central, (summed) peripheral and eliminating-compartment amounts, mg per mg entering ``entry``.

    ``entry`` is ``central`` or ``eliminating`` (a liver compartment that
    receives swallowed drug); ``eliminating`` names the compartment that
    eliminates (the centre itself in the racemic models).

    Examples
    --------
    At t = 0 a bolus is all in the centre:

    >>> from helpers.model.disposition import modes
    >>> modal = disposition_modal(modes(np.array([25.0, 56.0, 157.0]), np.array(1.4), np.array([2.68, 1.32])))
    >>> np.round(evaluate(modal, np.array([0.0]))[:, 0], 12).tolist() == [1.0, 0.0, 1.0]
    True
    """
    e = modes.eliminated_from
    amounts = modes.amounts_from(e if entry == "eliminating" else 0)
    weights = np.stack([amounts[..., 0, :], amounts[..., 1:, :].sum(axis=-2), amounts[..., e, :]], axis=-2)
    return Modal(("central", "peripheral", "eliminating"), modes.rates_per_min, weights)


def then(modal: Modal, source: str, block_rates, block_weights, names, gain=1.0) -> Modal:
    """Outputs of a linear block driven by ``gain x`` output ``source`` (a convolution, in closed form).

    The block's impulse response to one unit of input is
    ``sum_n block_weights[..., k, n] exp(-block_rates[..., n] t)`` for its
    output k. Because ``response(r) * exp(-mu t) = (response(r) - response(mu)) / (mu - r)``
    (``*`` a convolution), the result is again weights over the rates of
    both. Rates of the block that nearly equal the source's are nudged apart
    (:data:`~helpers.model.kernels.NUDGE`).

    Examples
    --------
    An effect site (rate 0.1/min) behind a single decay (rate 0.02/min) after a bolus:
    ``ke0 / (ke0 - k) (exp(-k t) - exp(-ke0 t))``.

    >>> plasma = Modal(("plasma",), np.array([0.02]), np.array([[1.0]]))
    >>> effect = then(plasma, "plasma", [0.1], [[0.1]], ("effect",))
    >>> t = 15.0
    >>> bool(np.isclose(evaluate(effect, np.array([t]))[0, 0],
    ...                 0.1 / 0.08 * (np.exp(-0.02 * t) - np.exp(-0.1 * t))))
    True
    """
    source_weights = modal.weights[..., modal.names.index(source), :]          # (..., m)
    rates = modal.rates
    mu = nudged_apart(np.broadcast_to(np.asarray(block_rates, dtype=float),
                                      rates.shape[:-1] + (np.shape(block_rates)[-1],)), rates)
    u = np.asarray(block_weights, dtype=float) * np.asarray(gain, dtype=float)[..., None, None]
    # pair (j, n): gain w_j u_kn / (mu_n - r_j) x (response(r_j) - response(mu_n))
    gap = mu[..., None, None, :] - rates[..., None, :, None]
    pair = source_weights[..., None, :, None] * u[..., :, None, :] / gap
    weights = np.concatenate([pair.sum(axis=-1), -pair.sum(axis=-2)], axis=-1)   # (..., K, m + n)
    return Modal(tuple(names), np.concatenate([rates, mu], axis=-1), weights)


def combine(*modals: Modal) -> Modal:
    """The sum of modals with the same outputs (their rates side by side)."""
    names = modals[0].names
    if any(m.names != names for m in modals):
        raise ValueError("combine() needs modals with the same outputs")
    shape = np.broadcast_shapes(*(m.rates.shape[:-1] for m in modals))
    rates = np.concatenate([np.broadcast_to(m.rates, shape + m.rates.shape[-1:]) for m in modals], axis=-1)
    weights = np.concatenate([np.broadcast_to(m.weights, shape + m.weights.shape[-2:]) for m in modals], axis=-1)
    return Modal(names, rates, weights)


def evaluate(modal: Modal, tau, *, ka_per_min=None, release_min: float = 0.0, integral: bool = False):
    """Exact outputs (..., n_outputs, T) at times ``tau`` since the input began (0 before it).

    ``integral`` gives each output's running time integral from 0 instead.
    """
    tau = np.asarray(tau, dtype=float)
    per_mode = mode_response(modal.rates[..., :, None], tau, ka_per_min=ka_per_min, release_min=release_min,
                             integral=integral)
    return _never_negative(modal.weights @ per_mode)


def _never_negative(out: np.ndarray) -> np.ndarray:
    """Every output is an amount or a concentration: where the weights cancel (an absorbed dose at t = 0),
    rounding can leave -1e-13 instead of 0, which a plot hides but a CSV shows. Clip it, in place."""
    return np.maximum(out, 0.0, out=out)


def evaluate_fast(modal: Modal, tau, *, ka_per_min=None, release_min: float = 0.0):
    """The outputs of :func:`evaluate` as plain exponentials on an increasing grid (many patients at once).

    ``ka_per_min`` may hold one rate per patient.
    """
    rates, weights = as_exponentials(modal.rates, modal.weights, ka_per_min)
    return _never_negative(exponential_sum(rates, weights, np.asarray(tau, dtype=float), release_min))


def superpose(inputs, modal_of, t_min, *, integral: bool = False) -> np.ndarray:
    """Sum over ``inputs`` ((pathway, start time, mg) for every pathway of every dose) of
    ``amount x evaluate(modal_of(pathway), t - start - lag)``: outputs (..., n_outputs, T).

    One modal per pathway is built and reused for every dose. On an increasing grid each input is
    evaluated only from its start on (before it every response is 0), so a course of repeated doses
    costs about half as much as evaluating every dose everywhere.
    """
    t_min = np.asarray(t_min, dtype=float)
    ordered = t_min.ndim == 1 and bool(np.all(t_min[1:] >= t_min[:-1]))
    total, modals = None, {}
    for pathway, t0, amount in inputs:
        if pathway not in modals:
            modals[pathway] = modal_of(pathway)
        start = t0 + pathway.lag_min
        first = int(np.searchsorted(t_min, start, side="left")) if ordered else 0
        if total is None:
            total = np.zeros(modals[pathway].weights.shape[:-1] + t_min.shape)
        if first < t_min.size:
            total[..., first:] += amount * evaluate(modals[pathway], t_min[first:] - start,
                                                    ka_per_min=pathway.ka_per_min,
                                                    release_min=pathway.release_min, integral=integral)
    return total
