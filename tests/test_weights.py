"""--weights SPEC parsing."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from symgrad.base.errors import SymgradError
from symgrad.numeric.weights import parse_number, parse_weights


def test_single_number_repeats():
    assert parse_weights("0.1", 3) == (Fraction(1, 10),) * 3


def test_list_and_fraction():
    assert parse_weights(" 1, -2.5 ,3/4", 3) == (Fraction(1), Fraction(-5, 2), Fraction(3, 4))


def test_seeded_draws_are_numpy_pcg64_and_exact():
    got = parse_weights("normal:0,1,seed=7", 5)
    want = np.random.default_rng(7).normal(0.0, 1.0, size=5)
    assert got == tuple(Fraction(float(v)) for v in want)
    assert parse_weights("uniform:-1,1,seed=7", 4) == parse_weights("uniform:-1,1,seed=7", 4)
    assert parse_weights("uniform:-1,1,seed=7", 4) != parse_weights("uniform:-1,1,seed=8", 4)


@pytest.mark.parametrize(
    "spec,match",
    [
        ("nan", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("1,2", "depth is 3"),
        ("1,2,3,4", "depth is 3"),
        ("abc", "not a number"),
        ("1/0", "divides by zero"),
        ("cauchy:0,1", "unknown weight distribution"),
        ("normal:0", "two parameters"),
        ("uniform:1,-1", "LO < HI"),
        ("normal:0,1,seed=x", "seed"),
        ("", "empty"),
        ("1" * 300, "too long"),
    ],
)
def test_bad_specs(spec, match):
    with pytest.raises(SymgradError, match=match):
        parse_weights(spec, 3)


def test_parse_number_exact_decimal():
    assert parse_number("1e-3") == Fraction(1, 1000)
    assert parse_number("-.5") == Fraction(-1, 2)
