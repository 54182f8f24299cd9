"""Reading a learner's answer: units, number-like types, huge and tiny values, and clear refusals."""
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.lessons.answers import (
    FRACTION,
    MG,
    MG_PER_H,
    MG_PER_KG,
    MINUTES,
    NG_H_PER_ML,
    NG_PER_ML,
    PERCENT,
    RATIO,
    AnswerError,
    is_blank,
    read_number,
)


@pytest.mark.parametrize("text, unit, value", [
    # minutes, with every spelling a learner uses; hours and h:mm as shown in tables and readouts
    ("16", MINUTES, 16.0), ("16 min", MINUTES, 16.0), ("16min", MINUTES, 16.0), ("16.0 minutes", MINUTES, 16.0),
    ("0.27 h", MINUTES, 16.2), ("0.27 hours", MINUTES, 16.2), ("0,27 h", MINUTES, 16.2), ("0:16", MINUTES, 16.0),
    ("1:05", MINUTES, 65.0), ("0 h 16 min", MINUTES, 16.0), ("2 hours 2 minutes", MINUTES, 122.0),
    ("1h05", MINUTES, 65.0), ("960 s", MINUTES, 16.0), ("about 16 min", MINUTES, 16.0), ("~16", MINUTES, 16.0),
    ("≈ 16", MINUTES, 16.0), (" 16 min. ", MINUTES, 16.0), ("+16", MINUTES, 16.0),
    # concentrations: thousands separators, mg/L and µg/mL are 1000 ng/mL
    ("1,200 ng/mL", NG_PER_ML, 1200.0), ("1200 ng/ml", NG_PER_ML, 1200.0), ("1 200", NG_PER_ML, 1200.0),
    ("1.2 mg/L", NG_PER_ML, 1200.0), ("1.2 µg/mL", NG_PER_ML, 1200.0), ("1.2 μg/mL", NG_PER_ML, 1200.0),
    ("1.2 ug/ml", NG_PER_ML, 1200.0), ("1200 ng per mL", NG_PER_ML, 1200.0), ("1.2e3", NG_PER_ML, 1200.0),
    ("1.2 x 10^3 ng/mL", NG_PER_ML, 1200.0), ("1200 µg/L", NG_PER_ML, 1200.0),
    # exposure: ng·h/mL in any order, ng·min/mL converted
    ("268 ng h/mL", NG_H_PER_ML, 268.0), ("268 ng·h/mL", NG_H_PER_ML, 268.0), ("268 ng*h/ml", NG_H_PER_ML, 268.0),
    ("268 h·ng/mL", NG_H_PER_ML, 268.0), ("268 ng/mL·h", NG_H_PER_ML, 268.0), ("16,080 ng·min/mL", NG_H_PER_ML, 268.0),
    ("0.268 mg·h/L", NG_H_PER_ML, 268.0),
    # masses, rates, doses per kg
    ("10 mg", MG, 10.0), ("10000 µg", MG, 10.0), ("10000 mcg", MG, 10.0), ("0.01 g", MG, 10.0),
    ("2.25 mg/h", MG_PER_H, 2.25), ("0.0375 mg/min", MG_PER_H, 2.25), ("54 mg/day", MG_PER_H, 2.25),
    ("2.25 mg per hour", MG_PER_H, 2.25), ("2.44 mg/kg", MG_PER_KG, 2.44), ("2440 µg/kg", MG_PER_KG, 2.44),
    # percentages and fractions read each way where the unit says so
    ("25 %", FRACTION, 0.25), ("25%", FRACTION, 0.25), ("0.25", FRACTION, 0.25), ("25 percent", FRACTION, 0.25),
    ("60 %", PERCENT, 60.0), ("60", PERCENT, 60.0),
    # ratios
    ("1.56", RATIO, 1.56), ("1.56x", RATIO, 1.56), ("1.56 ×", RATIO, 1.56), ("1.56-fold", RATIO, 1.56),
    ("156 %", RATIO, 1.56), (".5", RATIO, 0.5),
])
def test_text_with_units(text, unit, value):
    assert read_number(text, unit) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("value, expected", [
    (16, 16.0), (16.5, 16.5), (np.float64(16.5), 16.5), (np.float32(16.5), 16.5), (np.int64(16), 16.0),
    (np.uint8(16), 16.0), (np.float16(16), 16.0), (np.array(16.5), 16.5), (np.array([16.5]), 16.5),
    (np.array([[16.5]]), 16.5), (np.array(["16 min"]), 16.0), ([16.5], 16.5), ((16.5,), 16.5),
    (Fraction(33, 2), 16.5), (Decimal("16.5"), 16.5), (complex(16.5, 0), 16.5), (np.complex128(16.5), 16.5),
    (10**300, 1e300), (1e-320, 1e-320), (Decimal("1e-400"), 0.0), (-3, -3.0), (b"16 min", 16.0),
    (np.str_("16"), 16.0),
])
def test_number_like_values(value, expected):
    assert read_number(value, MINUTES) == expected


@pytest.mark.parametrize("value, words", [
    (10**400, "too large"), (-(10**400), "too large"), (Fraction(10**400, 3), "too large"),
    (Decimal("1e400"), "too large"), (float("inf"), "too large"), (np.float16(np.inf), "too large"),
    ("1e400", "too large"), (float("nan"), "NaN"), (Decimal("NaN"), "not a number"),
    (Decimal("sNaN"), "could not read"), (True, "True and False"), (np.bool_(False), "True and False"),
    (complex(1, 2), "complex"), (np.array([1.0, 2.0]), "not 2 values"), ([1, 2, 3], "not 3 values"),
    (np.array([]), "empty"), ({}, "dict"), (object(), "object"), (np.datetime64("2020-01-01"), "datetime64"),
    ("abc", "could not read a number"), ("sixteen", "could not read a number"), ("inf", "could not read a number"),
    ("nan", "could not read a number"), ("16 blargs", "could not read the unit 'blargs'"),
    ("16 mg", "'mg' is a unit of mass"), ("16 %", "'%' is a unit of percentage"), ("10-15", "not a range"),
    ("10 to 15 min", "not a range"), ("9" * 500, "too long"), ([[1], [2, 3]], "not 2 values"),
])
def test_refusals_say_why(value, words):
    with pytest.raises(AnswerError) as error:
        read_number(value, MINUTES)
    assert words in str(error.value)


def test_unit_of_another_quantity_explains_the_step():
    with pytest.raises(AnswerError, match="Divide the dose in mg by the body weight"):
        read_number("48 mg", MG_PER_KG)
    with pytest.raises(AnswerError, match="Multiply the dose per kg by the body weight"):
        read_number("2 mg/kg", MG)
    with pytest.raises(AnswerError, match="between 0 and 1"):
        read_number("60", FRACTION)


@pytest.mark.parametrize("value", [None, "", "   ", "\n", Ellipsis])
def test_blank_answers(value):
    assert is_blank(value)
    with pytest.raises(AnswerError, match="Not answered yet"):
        read_number(value, MINUTES)


@pytest.mark.parametrize("value", [0, 0.0, "0", [None, None]])
def test_zero_and_lists_are_not_blank(value):
    assert not is_blank(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_reads_back_as_text_and_as_number(x):
    assert read_number(x, MINUTES) == x
    assert read_number(repr(x), MINUTES) == pytest.approx(x, rel=1e-12, abs=0)


@given(st.integers(min_value=-(10**600), max_value=10**600))
def test_any_integer_is_read_or_refused_as_too_large(n):
    try:
        value = read_number(n, MINUTES)
    except AnswerError as error:
        assert abs(n) > 1e308 and "too large" in str(error)
    else:
        assert value == float(n)


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_with_a_message(text):
    try:
        value = read_number(text, NG_H_PER_ML)
    except AnswerError as error:
        assert str(error) and "Traceback" not in str(error)
    else:
        assert isinstance(value, float) and np.isfinite(value)


@pytest.mark.parametrize("text, decimal, value", [
    # the course language's decimal mark; the other mark separates thousands (groups of three digits)
    ("1,500", ".", 1500.0), ("1,200.5", ".", 1200.5), ("1.5", ".", 1.5), ("0.5", ".", 0.5),
    ("1,5", ",", 1.5), ("1.500", ",", 1500.0), ("1.200,5", ",", 1200.5), ("0,5", ",", 0.5),
    # only one reading is possible: taken, whichever language
    ("1,5", ".", 1.5), ("0,27", ".", 0.27), ("1.200,5", ".", 1200.5), ("1.5", ",", 1.5),
    ("1,200,000", ".", 1.2e6), ("1.200.000", ",", 1.2e6), ("1 200,5", ",", 1200.5),
])
def test_decimal_and_thousands_marks_follow_the_language(text, decimal, value):
    assert read_number(text, NG_PER_ML, decimal) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["1,2,3", "12,34.5", "1.2.3,4,5", "1,23,456"])
def test_numbers_no_language_can_read_are_refused_with_the_rule(text):
    with pytest.raises(AnswerError, match="decimal point: 0.5; 1,500 is one thousand five hundred"):
        read_number(text, NG_PER_ML)
