"""Closed-form responses of one exponential mode to the inputs a route uses.

A linear compartment model answers any input as a sum of exponentials
``exp(-lam * t)``. This module gives, for one decay rate ``lam`` (per min),
the response to one unit of drug delivered

* instantly into the blood (IV bolus),
* at a constant rate over ``release_min`` minutes (IV infusion, slow
  mucosal uptake),
* through an absorption depot emptying at ``ka_per_min`` (first order),
  optionally filled at a constant rate over ``release_min``,

together with its running time integral (for AUC and the amount
eliminated). All functions broadcast over numpy arrays, so one call serves
every mode, dose and simulated patient at once. Nothing here loops in time.

The first-order response uses the stable form of
``(exp(-a t) - exp(-b t)) / (b - a)``, which is finite when ``a == b``
(its limit is ``t exp(-a t)``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["decay", "decay_integral", "convolved_decay", "mode_response"]


def decay(rate_per_min, t_min):
    """``exp(-rate * t)`` for t >= 0, else 0.

    Examples
    --------
    >>> float(decay(0.1, 10.0)) == float(np.exp(-1.0))
    True
    """
    t = np.asarray(t_min, dtype=float)
    return np.where(t >= 0, np.exp(-rate_per_min * np.maximum(t, 0.0)), 0.0)


def decay_integral(rate_per_min, t_min):
    """``integral_0^t exp(-rate * s) ds = (1 - exp(-rate t)) / rate``; 0 for t <= 0.

    Examples
    --------
    >>> round(float(decay_integral(0.5, 1e6)), 12)   # tends to 1 / rate
    2.0
    """
    t = np.maximum(np.asarray(t_min, dtype=float), 0.0)
    return -np.expm1(-rate_per_min * t) / rate_per_min


def convolved_decay(rate_a, rate_b, t_min):
    """``(exp(-a t) - exp(-b t)) / (b - a)``, the convolution of two decays; 0 for t <= 0.

    Symmetric in ``a`` and ``b`` and exact when they are equal.

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


def _instant_response(lam, t, ka, integral):
    """Response to a unit instant input (and its running integral)."""
    if ka is None:
        return decay_integral(lam, t) if integral else decay(lam, t)
    conv = convolved_decay(lam, ka, t)
    if not integral:
        return ka * conv
    # d/dt conv = exp(-ka t) - lam * conv, hence its integral is (I_ka - conv) / lam.
    return decay_integral(lam, t) - conv


def _instant_double_integral(lam, t, ka):
    """Second running integral of the unit instant response."""
    t = np.maximum(t, 0.0)
    first = (t - decay_integral(lam, t)) / lam
    if ka is None:
        return first
    return first - (decay_integral(ka, t) - convolved_decay(lam, ka, t)) / lam


def mode_response(lam, t_min, *, ka_per_min=None, release_min=0.0, integral=False):
    """Response of a mode with decay rate ``lam`` to one unit of drug given at t = 0.

    Parameters
    ----------
    lam : array_like
        Decay rate of the mode, per min (> 0).
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
    A 60-minute constant-rate input is the average of instant inputs over
    its window; once over, its total integral equals that of a bolus, 1 / lam:

    >>> lam = 0.01
    >>> bool(np.isclose(mode_response(lam, 1e5, release_min=60, integral=True), 1 / lam))
    True
    >>> bool(np.isclose(mode_response(lam, 1e5, ka_per_min=0.03, integral=True), 1 / lam))
    True
    """
    t = np.asarray(t_min, dtype=float)
    if release_min <= 0:
        value = _instant_response(lam, t, ka_per_min, integral)
        return np.where(t >= 0, value, 0.0)
    if integral:
        upper = _instant_double_integral(lam, t, ka_per_min)
        lower = _instant_double_integral(lam, t - release_min, ka_per_min)
    else:
        upper = _instant_response(lam, t, ka_per_min, integral=True)
        lower = _instant_response(lam, t - release_min, ka_per_min, integral=True)
    value = (upper - np.where(t - release_min > 0, lower, 0.0)) / release_min
    return np.where(t > 0, value, 0.0)
