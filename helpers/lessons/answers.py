"""Reading a learner's answer: a number, with or without a unit, typed or computed.

:func:`read_number` turns whatever a learner gives (``16``, ``"16 min"``,
``"0.27 h"``, ``"0:16"``, ``"1,200 ng/mL"``, ``"25 %"``, a numpy scalar, a
one-element array, a Fraction, a Decimal...) into a float in the task's unit,
or raises :class:`AnswerError` with a message written for the learner. It
never lets an OverflowError or a traceback through: a huge whole number such
as ``10**400`` is refused politely.

Each :class:`Unit` knows the unit texts a learner may type for its quantity
and the conversion factor of each, plus the typical *misreadings* of a bare
number (minutes typed as hours, ng·min/mL for ng·h/mL, a fraction for a
percentage...), which the task checker turns into targeted hints.

Examples
--------
>>> round(read_number("0.27 h", MINUTES), 6)
16.2
>>> read_number("1,200 ng/mL", NG_PER_ML)
1200.0
>>> read_number("25 %", FRACTION)
0.25
>>> read_number(10**400, MINUTES)
Traceback (most recent call last):
...
helpers.lessons.answers.AnswerError: That number is too large to be an answer here.
"""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

__all__ = ["AnswerError", "Misreading", "Unit", "read_number", "MINUTES", "HOURS", "MG", "NG_PER_ML",
           "NG_H_PER_ML", "MG_PER_H", "MG_PER_KG", "PERCENT", "FRACTION", "RATIO", "UNITS", "MAX_TEXT_LENGTH",
           "is_blank", "DECIMAL_MARKS", "decimal_rule"]

MAX_TEXT_LENGTH = 200


class AnswerError(ValueError):
    """An answer that cannot be read as a number in the task's unit; the message is for the learner."""


@dataclass(frozen=True)
class Misreading:
    """A bare number that is the right answer read in another unit: ``factor`` x the right value."""

    factor: float
    hint: str


@dataclass(frozen=True)
class Unit:
    """A unit a task's answer is given in.

    ``symbol`` is shown beside the answer field; ``quantity`` names what is
    measured (``time``, ``mass``...); ``aliases`` maps the normalised unit
    texts a learner may type to the factor converting them into this unit
    (``""``, no unit, means this unit itself).
    """

    symbol: str
    quantity: str
    aliases: dict[str, float] = field(repr=False)
    examples: str = ""
    misreadings: tuple[Misreading, ...] = field(default=(), repr=False)
    bounds: tuple[float, float] | None = None
    out_of_bounds: str = ""


# ----------------------------------------------------------------------------- unit tables
_MASS_MG = {"ng": 1e-6, "µg": 1e-3, "ug": 1e-3, "mcg": 1e-3, "mg": 1.0, "g": 1e3}
_VOLUME_L = {"ml": 1e-3, "dl": 0.1, "l": 1.0}
_TIME_MIN = {"s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60,
             "min": 1.0, "mins": 1.0, "minute": 1.0, "minutes": 1.0,
             "h": 60.0, "hr": 60.0, "hrs": 60.0, "hour": 60.0, "hours": 60.0,
             "d": 1440.0, "day": 1440.0, "days": 1440.0}
_SHORT_TIME_MIN = {"s": 1 / 60, "sec": 1 / 60, "min": 1.0, "h": 60.0, "hr": 60.0, "hour": 60.0, "d": 1440.0,
                   "day": 1440.0}


def _concentrations() -> dict[str, float]:
    """Unit text -> factor to ng/mL, for every mass/volume pair (1 mg/L = 1000 ng/mL)."""
    return {f"{m}/{v}": mass / volume * 1000.0 for m, mass in _MASS_MG.items() for v, volume in _VOLUME_L.items()}


def _areas() -> dict[str, float]:
    """Unit text -> factor to ng·h/mL, in the orders people write them (ng·h/mL, h·ng/mL, ng/mL·h)."""
    out = {}
    for conc, to_ng_ml in _concentrations().items():
        mass, volume = conc.split("/")
        for t, minutes in _SHORT_TIME_MIN.items():
            factor = to_ng_ml * minutes / 60.0
            for text in (f"{mass}{t}/{volume}", f"{t}{mass}/{volume}", f"{mass}/{volume}{t}",
                         f"{mass}/{volume}x{t}"):
                out.setdefault(text, factor)
    return out


def _rates() -> dict[str, float]:
    """Unit text -> factor to mg/h."""
    out = {}
    for m, mass in _MASS_MG.items():
        for t, minutes in _TIME_MIN.items():
            out[f"{m}/{t}"] = mass * 60.0 / minutes
    return out


_SAME = {"": 1.0}
MINUTES = Unit("min", "time", _SAME | _TIME_MIN, "45, 45 min, 0.75 h or 0:45 (h:mm)", (
    Misreading(1 / 60, "this looks like hours, but the field expects minutes (or type the unit, e.g. '2 h')."),
    Misreading(60.0, "this looks like seconds, but the field expects minutes."),
))
HOURS = Unit("h", "time", _SAME | {k: v / 60.0 for k, v in _TIME_MIN.items()}, "3, 3 h or 180 min", (
    Misreading(60.0, "this looks like minutes, but the field expects hours (or type the unit, e.g. '90 min')."),
))
MG = Unit("mg", "mass", _SAME | _MASS_MG | {"milligram": 1.0, "milligrams": 1.0, "mgs": 1.0, "gram": 1e3,
                                           "grams": 1e3, "microgram": 1e-3, "micrograms": 1e-3},
          "3.5 or 3.5 mg", (
    Misreading(1000.0, "this looks like micrograms (µg), but the field expects milligrams (mg)."),
    Misreading(0.001, "this looks like grams, but the field expects milligrams (mg)."),
))
NG_PER_ML = Unit("ng/mL", "concentration", _SAME | _concentrations(), "700 or 700 ng/mL", (
    Misreading(0.001, "this looks like mg/L (= µg/mL); 1 mg/L = 1000 ng/mL, and the field expects ng/mL."),
))
NG_H_PER_ML = Unit("ng·h/mL", "exposure (AUC)", _SAME | _areas(), "900 or 900 ng·h/mL", (
    Misreading(60.0, "this looks like ng·min/mL; the field expects ng·h/mL (an hour has 60 minutes)."),
    Misreading(0.001, "this looks like mg·h/L (= µg·h/mL); 1 mg/L = 1000 ng/mL, and the field expects ng·h/mL."),
))
MG_PER_H = Unit("mg/h", "rate", _SAME | _rates(), "12 or 12 mg/h", (
    Misreading(1 / 60, "this looks like mg per minute; the field expects mg per hour."),
    Misreading(24.0, "this looks like mg per day; the field expects mg per hour."),
))
MG_PER_KG = Unit("mg/kg", "dose per kg", _SAME | {f"{m}/kg": f for m, f in _MASS_MG.items()}, "0.3 or 0.3 mg/kg")
_PERCENT_SIGNS = {"%": 1.0, "percent": 1.0, "pct": 1.0}
PERCENT = Unit("%", "percentage", _SAME | _PERCENT_SIGNS, "30 or 30 %", (
    Misreading(0.01, "give it as a percentage (for example 30 for 30%), not as a fraction."),
))
FRACTION = Unit("(a fraction, 0 to 1)", "fraction", _SAME | {k: v / 100 for k, v in _PERCENT_SIGNS.items()},
                "0.25 or 25 %", bounds=(0.0, 1.0),
                out_of_bounds="A fraction is a number between 0 and 1, not a percentage; for a percentage, type "
                              "the % sign (for example '25 %').")
RATIO = Unit("(a ratio)", "ratio", _SAME | {"x": 1.0, "times": 1.0, "fold": 1.0}
             | {k: v / 100 for k, v in _PERCENT_SIGNS.items()}, "3 or 3 x")

UNITS = (MINUTES, HOURS, MG, NG_PER_ML, NG_H_PER_ML, MG_PER_H, MG_PER_KG, PERCENT, FRACTION, RATIO)

_WHAT_A_UNIT_MEASURES = {}
for _unit in UNITS:
    for _text in _unit.aliases:
        if _text:
            _WHAT_A_UNIT_MEASURES.setdefault(_text, _unit.quantity)
_WHAT_A_UNIT_MEASURES.update({"kg": "body weight", "l": "volume", "ml": "volume", "l/h": "clearance",
                              "l/min": "clearance"})


# ----------------------------------------------------------------------------- numbers
_PREFIX = r"(?:about|approx\.?|approximately|around|roughly|circa|ca\.|~|≈|=)?"
_NUMBER = (r"(?P<sign>[+\-−–]?)\s*(?P<num>[1-9]\d{0,2}(?:[ \u00a0\u2009\u202f]\d{3})+(?:[.,]\d*)?"  # 1 200
           r"|\d[\d.,]*"                                           # 16, 16.0, 0,27, 1,200.5, 1.200,5
           r"|[.,]\d+)"                                                      # .27
           r"(?:\s*[eE]\s*(?P<exp>[+\-−]?\d{1,6})"                            # 1.2e3
           r"|\s*[x×·*]\s*10\s*(?:\^|\*\*)\s*(?P<exp2>[+\-−]?\d{1,6}))?")     # 1.2 x 10^3
_NUMBER_RE = re.compile(rf"^\s*{_PREFIX}\s*{_NUMBER}\s*(?P<unit>.*?)\s*\.?\s*$", re.IGNORECASE | re.DOTALL)
_HOURS_MINUTES_RE = re.compile(r"^\s*(\d{1,4}):([0-5]\d)\s*(?:h|h:mm)?\s*$")
_HOURS_AND_MINUTES_RE = re.compile(r"^\s*(\d{1,4}(?:[.,]\d+)?)\s*(?:h|hr|hrs|hours?)\s*,?\s*(?:and\s*)?"
                                   r"(\d{1,4}(?:[.,]\d+)?)\s*(?:m|min|mins|minutes?)?\s*$", re.IGNORECASE)
_RANGE_RE = re.compile(r"^(?:-|–|—|to|or|/)\s*[\d.,]")


def _normalise_unit(text: str) -> str:
    """'ng · h / mL' -> 'ngh/ml', 'mg per hour' -> 'mg/hour', 'µg' and 'μg' alike, '×' -> 'x'."""
    text = text.strip().lower().replace("μ", "µ").replace("×", "x")
    text = re.sub(r"\bper\b", "/", text)
    text = re.sub(r"\bcc\b", "ml", text)
    return re.sub(r"[\s·⋅*.\-−]", "", text)


def _unit_factor(unit_text: str, unit: Unit) -> float:
    """Factor converting ``unit_text`` (as typed) into ``unit``; AnswerError if it is another quantity."""
    key = _normalise_unit(unit_text)
    if key in unit.aliases:
        return unit.aliases[key]
    if key.endswith("s") and key[:-1] in unit.aliases:            # "mgs", "hrs"
        return unit.aliases[key[:-1]]
    other = _WHAT_A_UNIT_MEASURES.get(key)
    shown = unit_text.strip()
    if other is not None and other != unit.quantity:
        extra = ""
        if unit.quantity == "dose per kg" and other == "mass":
            extra = " Divide the dose in mg by the body weight in kg."
        elif unit.quantity == "mass" and other == "dose per kg":
            extra = " Multiply the dose per kg by the body weight."
        raise AnswerError(f"'{shown}' is a unit of {other}, but the answer to this task is a "
                          f"{unit.quantity} in {unit.symbol}.{extra} Type it as, for example, {unit.examples}.")
    raise AnswerError(f"I could not read the unit '{shown}'. Type it as, for example, {unit.examples}.")


#: The decimal mark of each course language; the other mark separates thousands (groups of 3 digits).
DECIMAL_MARKS = {"en": ".", "es": ","}


def decimal_rule(decimal: str = ".") -> str:
    """How the answer fields read numbers, in one sentence (shown beside every field).

    >>> decimal_rule(".")
    'decimal point: 0.5; 1,500 is one thousand five hundred'
    """
    group = "," if decimal == "." else "."
    name = "decimal point" if decimal == "." else "decimal comma"
    return f"{name}: 0{decimal}5; 1{group}500 is one thousand five hundred"


def _decimal_text(text: str, decimal: str = ".") -> str:
    """The digits of a typed number as Python reads them, by the course language's decimal mark.

    The language's mark is the decimal mark and the other one separates thousands, so in English
    '1,200.5' and '1,500' are 1200.5 and 1500, in Spanish '1.200,5' and '1,5' are 1200.5 and 1.5. A
    number that can only be read the other way ('0,27' or '1.200,5' in English) is read that way;
    anything else with both marks is refused with the rule.

    >>> _decimal_text("1,200.5"), _decimal_text("1,500"), _decimal_text("0,27"), _decimal_text("1.200,5")
    ('1200.5', '1500', '0.27', '1200.5')
    >>> _decimal_text("1,5", ","), _decimal_text("1.500", ","), _decimal_text("0.5", ",")
    ('1.5', '1500', '0.5')
    """
    text = re.sub(r"[ \u00a0\u2009\u202f]", "", text)
    group = "," if decimal == "." else "."

    def grouped(digits: str, mark: str) -> bool:
        return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(mark)}\d{{3}})+", digits) is not None

    marks = [c for c in text if c in ".,"]
    if not marks:
        return text
    if len(set(marks)) == 2:                       # both: the last is the decimal mark
        last = max(text.rfind("."), text.rfind(","))
        whole, fraction, mark = text[:last], text[last + 1:], text[last]
        other = "," if mark == "." else "."
        if grouped(whole, other) and "." not in fraction and "," not in fraction:
            return whole.replace(other, "") + "." + fraction
        raise AnswerError(f"I could not read '{text}': {decimal_rule(decimal)}.")
    mark, count = marks[0], len(marks)
    if mark == group and grouped(text.rstrip(mark), mark) and not text.endswith(mark):
        return text.replace(mark, "")             # the language's thousands separator
    if count == 1:                                  # one mark that is not a thousands grouping: a decimal mark
        return text.replace(mark, ".")
    if grouped(text, mark):                         # several: only thousands groups can read
        return text.replace(mark, "")
    raise AnswerError(f"I could not read '{text}': {decimal_rule(decimal)}.")


def _finite(value: float) -> float:
    if math.isnan(value):
        raise AnswerError("That is not a number (NaN). Type a number.")
    if math.isinf(value):
        raise AnswerError("That number is too large to be an answer here.")
    return value


def _to_float(value) -> float:
    """float(value) for a real number-like object, refusing overflow, NaN and infinities clearly."""
    try:
        number = float(value)
    except OverflowError:
        raise AnswerError("That number is too large to be an answer here.") from None
    except (TypeError, ValueError, ArithmeticError):
        raise AnswerError("I could not read that as a number. Type a number.") from None
    return _finite(number)


def _parse_text(text: str, unit: Unit, decimal: str = ".") -> float:
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError(f"That answer is too long ({len(text)} characters) to be a number. "
                          f"Type a number, for example {unit.examples}.")
    stripped = text.strip()
    if unit.quantity == "time":
        to_minutes = _TIME_MIN["h"] / unit.aliases["h"]           # minutes per unit of the task
        match = _HOURS_MINUTES_RE.match(stripped)
        if match:
            return _finite((int(match.group(1)) * 60 + int(match.group(2))) / to_minutes)
        match = _HOURS_AND_MINUTES_RE.match(stripped)
        if match:
            hours, minutes = (float(g.replace(",", ".")) for g in match.groups())
            return _finite((hours * 60 + minutes) / to_minutes)
    match = _NUMBER_RE.match(stripped)
    if not match:
        raise AnswerError(f"I could not read a number in '{_shorten(stripped)}'. "
                          f"Type digits, for example {unit.examples}.")
    rest = match.group("unit")
    if _RANGE_RE.match(rest):
        raise AnswerError("Give one number, not a range or a list.")
    number = _decimal_text(match.group("num"), decimal)
    exponent = match.group("exp") or match.group("exp2")
    if exponent:
        number += "e" + exponent.replace("−", "-")
    negative = match.group("sign") in ("-", "−", "–")
    try:
        value = _to_float(Decimal(number))
    except ArithmeticError:
        raise AnswerError(f"I could not read a number in '{_shorten(stripped)}'.") from None
    value = -value if negative else value
    return _finite(value * _unit_factor(rest, unit)) if rest else value


def _shorten(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def read_number(answer, unit: Unit, decimal: str = ".") -> float:
    """The learner's ``answer`` as a float in ``unit``; raises :class:`AnswerError` (a ValueError) if it cannot.

    Accepts ints of any size, floats, numpy numbers, 0-d and one-element
    arrays, Fraction, Decimal, and text with an optional unit. ``None`` and
    empty text are refused with "not answered yet" (callers usually test
    :func:`is_blank` first). Text is read with ``decimal`` as the decimal mark
    (the course language's, :data:`DECIMAL_MARKS`): see :func:`decimal_rule`.
    """
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ','; got {decimal!r}")
    value = _read(answer, unit, 0, decimal)
    if unit.bounds is not None and not unit.bounds[0] <= value <= unit.bounds[1]:
        raise AnswerError(unit.out_of_bounds)
    return value


def _read(answer, unit: Unit, depth: int, decimal: str = ".") -> float:
    if is_blank(answer):
        raise AnswerError("Not answered yet.")
    if isinstance(answer, (bool, np.bool_)):
        raise AnswerError("True and False are not numbers. Type a number, for example " + unit.examples + ".")
    if isinstance(answer, (str, np.str_)):
        return _parse_text(str(answer), unit, decimal)
    if isinstance(answer, bytes):
        return _parse_text(answer.decode("utf-8", errors="replace"), unit, decimal)
    if isinstance(answer, (np.ndarray, list, tuple)):
        try:
            items = np.asarray(answer, dtype=object).reshape(-1)
        except (ValueError, TypeError):
            raise AnswerError("Give one number, not a list of values.") from None
        if items.size != 1:
            raise AnswerError(f"Give one number, not {items.size} values." if items.size
                              else "That is empty. Give one number.")
        if depth > 2:
            raise AnswerError("Give one number, not a nested list.")
        return _read(items[0], unit, depth + 1, decimal)
    if isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        if answer.imag != 0:
            raise AnswerError(f"That is a complex number. Give a real number, for example {unit.examples}.")
        return _to_float(answer.real)
    if isinstance(answer, (numbers.Real, Decimal)):
        return _to_float(answer)
    raise AnswerError(f"I could not read that ({type(answer).__name__}) as a number. "
                      f"Give a number, for example {unit.examples}.")


def is_blank(answer) -> bool:
    """True for an answer not given yet: None, Ellipsis or empty text."""
    if answer is None or answer is Ellipsis:
        return True
    return isinstance(answer, (str, np.str_)) and not str(answer).strip()
