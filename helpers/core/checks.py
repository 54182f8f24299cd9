"""Argument checks shared by every public function.

Each check returns the cleaned value or raises ``ValueError`` whose message
names the parameter, the value given and the valid range or choices, so a
learner never sees a NaN curve, a hang or a traceback from inside numpy.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__ = ["check_number", "check_count", "check_choice", "check_flag", "check_times", "check_instance", "shown"]


_MAX_LISTED = 12   # choices named in full in an error message; longer lists are cut


def _format_range(low: float | None, high: float | None, low_open: bool) -> str:
    left = "(" if low_open else "["
    low_text = "-inf" if low is None else f"{low:g}"
    high_text = "inf)" if high is None else f"{high:g}]"
    return f"{left}{low_text}, {high_text}"


def shown(value) -> str:
    """repr() of a value, shortened so a huge number or array cannot flood (or break) the message.

    >>> shown(10**5000)
    'a whole number of about 5001 digits'
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxx'"
    """
    if isinstance(value, int) and value.bit_length() > 200:   # repr() of a 4300-digit int raises
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + "..." + text[-12:]


def check_number(name: str, value, *, low: float | None = None, high: float | None = None,
                 low_open: bool = True, unit: str = "") -> float:
    """Return ``value`` as a float if it is a finite real number in range.

    ``low_open`` makes the lower bound exclusive (the default: doses, weights
    and times must be strictly positive when ``low=0``). Numpy scalars count
    as numbers; arrays, strings, booleans and None do not.

    Examples
    --------
    >>> check_number("dose_mg", 35, low=0)
    35.0
    >>> check_number("dose_mg", -1, low=0)
    Traceback (most recent call last):
    ...
    ValueError: dose_mg must be a finite number in (0, inf); got -1
    >>> check_number("dose_mg", 10**400, low=0, high=10000)
    Traceback (most recent call last):
    ...
    ValueError: dose_mg must be a finite number in (0, 10000]; got a whole number of about 401 digits
    """
    def refused() -> ValueError:      # the message is built only when it is needed (simulate's hot path)
        suffix = f" {unit}" if unit else ""
        return ValueError(f"{name} must be a finite number in {_format_range(low, high, low_open)}{suffix}; "
                          f"got {shown(value)}")

    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise refused()
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):   # a whole number too large for a float
        raise refused() from None
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and number > high
    if not math.isfinite(number) or too_low or too_high:
        raise refused()
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
    message = f"{name} must be a whole number in {valid}; got {shown(value)}"
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(message)
    if isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and math.isfinite(value)
                                               and float(value).is_integer()):
        whole = int(value)
    else:
        raise ValueError(message)
    if whole < low or (high is not None and whole > high):
        raise ValueError(message)
    return whole


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
        listed = ", ".join(repr(option) for option in options[:_MAX_LISTED])
        if len(options) > _MAX_LISTED:
            listed += f", ... ({len(options)} in all)"
        raise ValueError(f"{name} must be one of {listed}; got {shown(value)}")
    return value


def check_flag(name: str, value) -> bool:
    """Return ``value`` if it is True or False (not 'yes', 1 or None).

    Examples
    --------
    >>> check_flag("projector", True)
    True
    >>> check_flag("projector", "yes")
    Traceback (most recent call last):
    ...
    ValueError: projector must be True or False; got 'yes'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {shown(value)}")
    return bool(value)


def check_times(name: str, value, *, low: float = 0.0, high: float | None = None,
                unit: str = "min") -> np.ndarray:
    """Return a number or array of numbers as a float array, if every entry is finite and in range.

    Examples
    --------
    >>> check_times("t_min", [0, 30.5]).tolist()
    [0.0, 30.5]
    >>> check_times("t_min", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: t_min must be finite numbers in [0, inf) min; got nan
    """
    valid = _format_range(low, high, low_open=False)
    message = f"{name} must be finite numbers in {valid} {unit}; got {shown(value)}"
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ValueError(message)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(message) from None
    if array.size == 0 or not np.all(np.isfinite(array)) or np.any(array < low) or \
            (high is not None and np.any(array > high)):
        raise ValueError(message)
    return array


def check_instance(name: str, value, kind: type, what: str):
    """Return ``value`` if it is a ``kind``; otherwise say what was expected (``what``).

    Examples
    --------
    >>> check_instance("sim", 3, str, "the result of helpers.simulate()")
    Traceback (most recent call last):
    ...
    ValueError: sim must be the result of helpers.simulate(); got 3
    """
    if not isinstance(value, kind):
        raise ValueError(f"{name} must be {what}; got {shown(value)}")
    return value
