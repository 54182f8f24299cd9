"""Argument checks shared by every public function.

Each check returns the cleaned value or raises ``ValueError`` whose message
names the parameter, the value given and the valid range or choices, so a
learner never sees a NaN curve or a traceback from inside numpy.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

__all__ = ["check_number", "check_count", "check_choice"]


def _format_range(low: float | None, high: float | None, low_open: bool) -> str:
    left = "(" if low_open else "["
    low_text = "-inf" if low is None else f"{low:g}"
    high_text = "inf)" if high is None else f"{high:g}]"
    return f"{left}{low_text}, {high_text}"


def check_number(name: str, value, *, low: float | None = None, high: float | None = None,
                 low_open: bool = True, unit: str = "") -> float:
    """Return ``value`` as a float if it is a finite real number in range.

    ``low_open`` makes the lower bound exclusive (the default: doses, weights
    and times must be strictly positive when ``low=0``).

    Examples
    --------
    >>> check_number("dose_mg", 35, low=0)
    35.0
    >>> check_number("dose_mg", -1, low=0)
    Traceback (most recent call last):
    ...
    ValueError: dose_mg must be a finite number in (0, inf); got -1
    """
    suffix = f" {unit}" if unit else ""
    valid = _format_range(low, high, low_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite number in {valid}{suffix}; got {value!r}")
    number = float(value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and number > high
    if not math.isfinite(number) or too_low or too_high:
        raise ValueError(f"{name} must be a finite number in {valid}{suffix}; got {value!r}")
    return number


def check_count(name: str, value, *, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int if it is a whole number in ``[low, high]``.

    Examples
    --------
    >>> check_count("n_doses", 3)
    3
    >>> check_count("n_doses", 0)
    Traceback (most recent call last):
    ...
    ValueError: n_doses must be a whole number in [1, inf); got 0
    """
    valid = f"[{low}, {'inf)' if high is None else f'{high}]'}"
    is_whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer())
    if isinstance(value, bool) or not is_whole or value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be a whole number in {valid}; got {value!r}")
    return int(value)


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``.

    Examples
    --------
    >>> check_choice("route", "oral", ["oral", "rectal"])
    'oral'
    >>> check_choice("route", "inhaled", ["oral", "rectal"])
    Traceback (most recent call last):
    ...
    ValueError: route must be one of 'oral', 'rectal'; got 'inhaled'
    """
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value
