"""Closed-form responses of one exponential mode to the inputs a route uses.

A linear compartment model answers any input as a sum of exponentials
``exp(-lam * t)``. This module gives, for decay rates ``lam`` (per min),
the response to one unit of drug delivered

* instantly into the blood (IV bolus),
* at a constant rate over ``release_min`` minutes (IV infusion, slow
  mucosal uptake),
* through an absorption depot emptying at ``ka_per_min`` (first order),
  optionally filled at a constant rate over ``release_min``,

together with its running time integrals (for AUC and the amount
eliminated). Everything broadcasts over numpy arrays, so one call serves
every mode and every simulated patient at once; nothing steps in time.

Speed matters (the explorer redraws on every slider move), so each call
evaluates one ``expm1`` per mode and time, and one ``exp`` per time for the
absorption rate, and derives every other term from those.

Two evaluations of the same responses live here, so that a new kind of
input (an absorption shape) is added in this one module:

* :func:`mode_response`, exact to rounding (every single simulation);
* :func:`as_exponentials` + :func:`exponential_sum`, the same response
  rewritten by partial fractions as plain exponentials and evaluated with
  a few exponentials per rate on an even grid: several times faster, for
  hundreds of simulated patients at once (variability bands).

:func:`site_amount` and :func:`released_fraction` describe the dosage form
and absorption site themselves (mass balance).
"""
from __future__ import annotations

import numpy as np

__all__ = ["convolved_decay", "mode_response", "as_exponentials", "exponential_sum", "site_amount",
           "released_fraction", "nudged_apart", "NUDGE"]

# Below this relative gap between lam and ka the plain difference quotient
# loses digits; the (slower) symmetric form is used instead.
_NEAR_EQUAL_GAP = 1e-3
# Rates closer than this (relative) are nudged apart by 3 x NUDGE before partial fractions divide
# by their difference: the curve moves by about as much (invisible), and the division stays accurate.
NUDGE = 1e-7
# Releases shorter than this (as rate x duration) are treated as instant, taken at their midpoint.
_SHORTEST_RESOLVED_RELEASE = 1e-6


def convolved_decay(rate_a, rate_b, t_min):
    """``(exp(-a t) - exp(-b t)) / (b - a)``, the convolution of two decays; 0 for t <= 0.

    Symmetric in ``a`` and ``b`` and exact when they are equal (limit ``t exp(-a t)``).

    Examples
    --------
    >>> a, b, t = 0.02, 0.07, 30.0
    >>> bool(np.isclose(convolved_decay(a, b, t), (np.exp(-a*t) - np.exp(-b*t)) / (b - a)))
    True
    >>> bool(np.isclose(convolved_decay(0.05, 0.05, 10.0), 10.0 * np.exp(-0.5)))
    True
    """
    t = np.maximum(np.asarray(t_min, dtype=float), 0.0)
    slow = np.minimum(rate_a, rate_b)
    gap = np.abs(np.asarray(rate_b, dtype=float) - rate_a)
    safe_gap = np.where(gap > 0, gap, 1.0)
    # -expm1(-gap t) / gap keeps full precision for tiny gaps; its limit is t.
    spread = np.where(gap > 0, -np.expm1(-gap * t) / safe_gap, t)
    return np.exp(-slow * t) * spread


def _convolved(lam, ka, t, lam_decay_m1, ka_decay_m1):
    """convolved_decay(lam, ka, t) reusing exp(-lam t) - 1 and exp(-ka t) - 1."""
    gap = ka - lam
    if (np.abs(gap) >= _NEAR_EQUAL_GAP * np.maximum(ka, lam)).all():
        # (exp(-lam t) - exp(-ka t)) / (ka - lam); the two "- 1" cancel exactly
        return (lam_decay_m1 - ka_decay_m1) * (1.0 / gap)
    return convolved_decay(lam, ka, t)


def _running_integral(lam, t, ka, level):
    """Unit-input response (level 0) or its first or second running integral (levels 1, 2).

    Times are clipped at 0, where every level except an instant direct input is 0.
    """
    t = np.maximum(t, 0.0)
    inv_lam = 1.0 / lam
    lam_decay_m1 = np.expm1(-lam * t)              # exp(-lam t) - 1
    if ka is None:
        if level == 0:
            return 1.0 + lam_decay_m1
        if level == 1:                              # integral of exp(-lam s) over 0..t
            return -lam_decay_m1 * inv_lam
        return (t + lam_decay_m1 * inv_lam) * inv_lam
    ka_decay_m1 = np.expm1(-ka * t)
    conv = _convolved(lam, ka, t, lam_decay_m1, ka_decay_m1)
    if level == 0:
        return ka * conv
    if level == 1:                                  # d conv/dt = exp(-ka t) - lam conv
        return -(lam_decay_m1 * inv_lam + conv)
    # second integral: (t - I_lam) / lam - (I_ka - conv) / lam, with I_x = integral of exp(-x s)
    return ((t + ka_decay_m1 / ka) + lam_decay_m1 * inv_lam + conv) * inv_lam


def mode_response(lam, t_min, *, ka_per_min=None, release_min=0.0, integral=False):
    """Response of modes with decay rates ``lam`` to one unit of drug given at t = 0.

    Parameters
    ----------
    lam : array_like
        Decay rate of each mode, per min (> 0); broadcasts against ``t_min``.
    t_min : array_like
        Time since the input started, min. Negative times give 0.
    ka_per_min : array_like or None
        First-order absorption rate from a depot, per min; ``None`` means the
        drug enters the mode directly (intravenous).
    release_min : float
        Duration of constant-rate release, min; 0 means all at once.
    integral : bool
        Return the running time integral from 0 to t instead.

    Examples
    --------
    A bolus decays as exp(-lam t):

    >>> bool(np.isclose(mode_response(0.1, 10.0), np.exp(-1.0)))
    True

    Whatever the input, once it is over the total integral is 1 / lam:

    >>> lam = 0.01
    >>> bool(np.isclose(mode_response(lam, 1e5, release_min=60, integral=True), 1 / lam))
    True
    >>> bool(np.isclose(mode_response(lam, 1e5, ka_per_min=0.03, release_min=20, integral=True), 1 / lam))
    True

    A vanishingly short infusion is a bolus (no cancellation error):

    >>> bool(np.isclose(mode_response(lam, 30.0, release_min=1e-15), np.exp(-lam * 30.0)))
    True

    An infusion's level is the average of bolus responses over its window:

    >>> t = 90.0
    >>> s = np.linspace(0, 60, 200001)
    >>> bool(np.isclose(mode_response(lam, t, release_min=60), np.exp(-lam * (t - s)).mean(), rtol=1e-6))
    True
    """
    t = np.asarray(t_min, dtype=float)
    level = 1 if integral else 0
    fastest_rate = max(float(np.max(lam)), 0.0 if ka_per_min is None else float(np.max(ka_per_min)))
    if 0 < release_min * fastest_rate < _SHORTEST_RESOLVED_RELEASE:
        # The window difference below would cancel catastrophically; an instant input at the
        # window's midpoint is exact to O((rate x release)^2), far below rounding here.
        return mode_response(lam, t - 0.5 * release_min, ka_per_min=ka_per_min, integral=integral)
    if release_min <= 0:
        value = _running_integral(lam, t, ka_per_min, level)
        return np.where(t >= 0, value, 0.0) if ka_per_min is None and level == 0 else value
    upper = _running_integral(lam, t, ka_per_min, level + 1)
    lower = _running_integral(lam, t - release_min, ka_per_min, level + 1)
    return (upper - lower) / release_min


def nudged_apart(rates, others):
    """``rates`` (..., a), each moved up by 3 x NUDGE (relative) where it nearly equals one of ``others`` (..., b)."""
    rates = np.asarray(rates, dtype=float)
    others = np.asarray(others, dtype=float)
    near = np.abs(rates[..., :, None] - others[..., None, :]) < \
        NUDGE * np.maximum(rates[..., :, None], others[..., None, :])
    return np.where(near.any(axis=-1), rates * (1.0 + 3.0 * NUDGE), rates)


def as_exponentials(rates, coefficients, ka_per_min=None):
    """Rewrite ``sum_j c_j x response(rates_j)`` as plain decays ``sum_k c'_k D(r'_k)``.

    ``D(r)`` is the response of a mode with rate r to the input's release
    profile alone (bolus or constant rate), which :func:`exponential_sum`
    evaluates. Without absorption nothing changes. With first-order
    absorption at ``ka``, ``response(r) = ka / (ka - r) (D(r) - D(ka))``.

    Parameters
    ----------
    rates : array (..., m)
    coefficients : array (..., n_outputs, m)
    ka_per_min : None or array broadcasting against rates[..., 0]

    Returns
    -------
    (rates', coefficients') with m + 1 rates when there is absorption.

    Examples
    --------
    >>> r, c = as_exponentials(np.array([0.01]), np.array([[1.0]]), 0.05)
    >>> t = 30.0
    >>> value = float((c[0] * np.exp(-r * t)).sum())
    >>> bool(np.isclose(value, mode_response(0.01, t, ka_per_min=0.05)))
    True
    """
    rates = np.asarray(rates, dtype=float)
    coefficients = np.asarray(coefficients, dtype=float)
    if ka_per_min is None:
        return rates, coefficients
    ka = np.broadcast_to(np.asarray(ka_per_min, dtype=float), rates.shape[:-1])[..., None]
    ka = nudged_apart(ka, rates)
    mode_coefficients = coefficients * (ka / (ka - rates))[..., None, :]
    all_rates = np.concatenate([rates, ka], axis=-1)
    all_coefficients = np.concatenate([mode_coefficients, -mode_coefficients.sum(axis=-1, keepdims=True)],
                                      axis=-1)
    return all_rates, all_coefficients


def _decay_sum(coefficients, rates, x):
    """sum_r c[..., o, r] exp(-r[..., r] x) for x >= 0: (..., n_outputs, len(x)).

    On an evenly spaced x (the usual grid, perhaps with a shorter last step)
    exp(-r (x0 + (a B + b) h)) = exp(-r (x0 + a B h)) exp(-r b h): two small
    exponential tables and one multiplication instead of an exponential per
    point (several times faster, same accuracy to a few ulp). The weighted
    sum over rates is a batched matrix product.
    """
    n = x.size
    if n < 256:
        return coefficients @ np.exp(-rates[..., :, None] * x)
    step = (x[-2] - x[0]) / (n - 2)
    body = x[0] + step * np.arange(n - 1)
    if step <= 0 or np.max(np.abs(x[:-1] - body)) > 1e-9 * max(1.0, abs(x[-1])):
        return coefficients @ np.exp(-rates[..., :, None] * x)
    width = int(np.ceil(np.sqrt(n)))
    height = -(-n // width)
    coarse = np.exp(-rates[..., :, None] * (x[0] + step * width * np.arange(height)))
    fine = np.exp(-rates[..., :, None] * (step * np.arange(width)))
    table = (coarse[..., :, :, None] * fine[..., :, None, :]).reshape(rates.shape + (height * width,))
    out = (coefficients @ table)[..., :n]
    out[..., -1] = (coefficients * np.exp(-rates * x[-1])[..., None, :]).sum(axis=-1)
    return out


def exponential_sum(rates, coefficients, tau, release_min=0.0):
    """sum_k c[..., o, k] D(r_k, tau): D = exp(-r tau) (bolus) or its constant-rate-input form.

    rates: (..., m); coefficients: (..., n_outputs, m); tau: (T,) increasing.
    Returns (..., n_outputs, T); 0 for tau < 0.

    Examples
    --------
    >>> tau = np.array([-1.0, 0.0, 10.0])
    >>> exponential_sum(np.array([0.1]), np.array([[2.0]]), tau).round(6).tolist()
    [[0.0, 2.0, 0.735759]]
    """
    rates = np.asarray(rates, dtype=float)
    coefficients = np.asarray(coefficients, dtype=float)
    tau = np.asarray(tau, dtype=float)
    out = np.zeros(coefficients.shape[:-1] + tau.shape)
    start = int(np.searchsorted(tau, 0.0, side="left"))
    if start == tau.size:
        return out
    if release_min <= 0:
        out[..., start:] = _decay_sum(coefficients, rates, tau[start:])
        return out
    # Constant input over [0, R]: D = (1 - exp(-r tau)) / (r R) while tau < R,
    # then exp(-r (tau - R)) (1 - exp(-r R)) / (r R); one exponential per time.
    middle = int(np.searchsorted(tau, release_min, side="left"))
    r_release = rates * release_min
    during = coefficients / r_release[..., None, :]
    if middle > start:
        out[..., start:middle] = during.sum(axis=-1)[..., None] - _decay_sum(during, rates, tau[start:middle])
    if middle < tau.size:
        out[..., middle:] = _decay_sum(-np.expm1(-r_release)[..., None, :] * during, rates,
                                       tau[middle:] - release_min)
    return out


def released_fraction(tau, release_min=0.0):
    """Fraction of a dose released from its dosage form (or infused) by time tau since the start.

    Examples
    --------
    >>> released_fraction(np.array([-1.0, 0.0, 5.0, 20.0]), 10.0).tolist()
    [0.0, 0.0, 0.5, 1.0]
    """
    tau = np.asarray(tau, dtype=float)
    if release_min > 0:
        return np.clip(tau / release_min, 0.0, 1.0)
    return (tau >= 0).astype(float)


def site_amount(tau, ka_per_min=None, release_min=0.0):
    """Fraction of a dose waiting at the absorption site at time tau (0 for direct inputs).

    Examples
    --------
    >>> bool(np.isclose(site_amount(20.0, 0.05), np.exp(-1.0)))
    True
    """
    tau = np.asarray(tau, dtype=float)
    if ka_per_min is None:
        return np.zeros_like(tau)
    return mode_response(ka_per_min, tau, release_min=release_min)
