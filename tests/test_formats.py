"""Formats side by side: limits from numpy.finfo / ml_dtypes.finfo, independent references."""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import ml_dtypes
import mpmath
import numpy as np
import pytest

from symgrad.analysis.precision import formats_table
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.interfaces.cli import main
from symgrad.numeric import numpy_backend as nb

DTYPES = {"float64": np.float64, "float32": np.float32, "float16": np.float16,
          "bfloat16": ml_dtypes.bfloat16}


def finfo(name):
    return ml_dtypes.finfo(DTYPES[name]) if name == "bfloat16" else np.finfo(DTYPES[name])


@pytest.mark.parametrize("name", nb.FORMATS)
def test_format_info_is_finfo(name):
    fi, info = finfo(name), nb.format_info(name)
    assert float(info.tiny) == float(fi.tiny)
    assert float(info.smallest_subnormal) == float(fi.smallest_subnormal)
    assert float(info.eps) == float(fi.eps)
    assert float(info.max) == float(fi.max)
    # the ulp at 1 is eps; at the smallest normal it is the smallest subnormal
    assert info.ulp(0) == Fraction(float(fi.eps))
    assert info.ulp(info.minexp) == Fraction(float(fi.smallest_subnormal))


UINT = {"float64": np.uint64, "float32": np.uint32, "float16": np.uint16,
        "bfloat16": np.uint16}


def _nearest_by_search(v: Fraction, name: str) -> float:
    """Correct rounding by brute force: the dtype's value nearest to v among the bit
    patterns next to float(v) (the format's own neighbours, stepped in its bits)."""
    dtype = DTYPES[name]
    with np.errstate(all="ignore"):
        start = np.array([float(v)], dtype=dtype).view(UINT[name])[0]
    best = None
    for delta in (-2, -1, 0, 1, 2):
        if int(start) + delta < 0:
            continue
        bits = np.array([int(start) + delta], dtype=UINT[name])
        c = float(bits.view(dtype)[0])
        if not math.isfinite(c):
            continue
        d = abs(Fraction(c) - v)
        if best is None or d < best[0]:
            best = (d, c)
    return best[1]


@pytest.mark.parametrize("name", nb.FORMATS)
def test_round_to_format_is_correct_rounding(name):
    fi = finfo(name)
    rng = random.Random(4)
    lo, hi = int(fi.minexp) - int(fi.nmant) - 2, int(fi.maxexp) - 2
    for _ in range(1500):
        # non-dyadic and long dyadic rationals: the exact (not float64) path
        e = rng.randint(lo, hi)
        v = Fraction(rng.randint(1, 10**30), rng.randint(1, 10**30)) * Fraction(2) ** e
        v = v if rng.random() < 0.5 else -v
        got = float(nb.round_to_format(v, name))
        if abs(v) > Fraction(float(fi.max)):
            continue  # beyond max: checked in test_classify_uses_the_format_limits
        assert got == _nearest_by_search(v, name), (v, name)


def test_round_to_format_has_no_double_rounding():
    # 1 + 2^-11 + 2^-60 lies just above the midpoint of two float16 neighbours: correct
    # rounding goes up to 1 + 2^-10; rounding through float64 first loses 2^-60 and ties to 1.
    v = 1 + Fraction(1, 2**11) + Fraction(1, 2**60)
    assert float(nb.round_to_format(v, "float16")) == 1 + 2.0**-10
    assert float(np.float16(float(v))) == 1.0


@pytest.mark.parametrize("name", nb.FORMATS)
def test_classify_uses_the_format_limits(name):
    fi = finfo(name)
    dtype = DTYPES[name]
    assert nb.classify(dtype(fi.tiny), name) == "normal"
    assert nb.classify(dtype(fi.smallest_subnormal), name) == "subnormal"
    assert nb.classify(dtype(0.0), name) == "zero"
    with np.errstate(over="ignore"):
        assert nb.classify(dtype(float(fi.max)) * dtype(2.0), name) == "inf"
    assert nb.classify(dtype(math.nan), name) == "nan"
    half = Fraction(float(fi.smallest_subnormal)) / 2  # a tie: rounds to even, i.e. 0
    assert nb.classify(nb.round_to_format(half, name), name) == "zero"


@pytest.mark.parametrize("name", nb.FORMATS)
def test_every_operation_stays_in_the_format(name):
    v = nb.evaluate(Chain(6, activation="tanh", form="general", bias=True),
                    [Fraction(1, 3)] * 6, name, biases=[Fraction(1, 7)] * 6, x=Fraction(2))
    for item in [*v.outputs, *v.dact, *v.grad_w, *v.grad_b, v.grad_x]:
        assert type(item) is DTYPES[name]


def test_unknown_format():
    with pytest.raises(SymgradError, match="unknown format 'float8'"):
        nb.parse_formats("float64,float8")
    with pytest.raises(SymgradError, match="no format"):
        nb.parse_formats(" , ")


def _true_gradient(depth: int, dps: int = 60):
    """dF/dw_1 of the all-ones seed sigmoid chain, hand-written product (mpmath)."""
    with mpmath.workdps(dps):
        o, g = mpmath.mpf(1), mpmath.mpf(1)
        for _ in range(2, depth + 1):
            s = 1 / (1 + mpmath.exp(-o))
            g *= s * (1 - s)
            o = s
        return g


@pytest.mark.parametrize("depth", [12, 30, 1000])
def test_table_against_independent_values(depth):
    table = formats_table(Chain(depth), [Fraction(1)] * depth)
    true = _true_gradient(depth)
    assert table.true.contains(true)
    for row in table.rows:
        fi = finfo(row.format)
        # the printed value is the shortest string that reads back in its own format
        reader = np.float32 if row.format == "bfloat16" else DTYPES[row.format]
        computed = float(DTYPES[row.format](reader(row.value)))
        # the status follows from the computed value and the finfo limits
        if computed == 0:
            assert row.status == "zero"
        elif abs(computed) < float(fi.tiny):
            assert row.status == "subnormal"
        else:
            assert row.status == "normal"
        # relative error and ulps, recomputed here; 3 printed digits -> 1% tolerance
        with mpmath.workdps(60):
            err = abs(mpmath.mpf(computed) - true)
            rel = err / true
            exponent = max(int(mpmath.floor(mpmath.log(true, 2))), int(fi.minexp))
            ulps = err / mpmath.mpf(2) ** (exponent - int(fi.nmant))
            assert abs(mpmath.mpf(row.relative_error) - rel) <= rel / 100
            assert abs(mpmath.mpf(row.ulp_error) - ulps) <= ulps / 100
    # float64 at depth 12 and 30 is accurate to a few ulps (a product of ~30 rounded factors)
    f64 = table.rows[0]
    if depth < 100:
        assert f64.status == "normal" and float(f64.ulp_error) < 4 * depth
    else:
        assert f64.status == "zero"  # 1.5e-648 is far below float64's smallest subnormal


def test_logspace_row_is_accurate_where_the_product_is_zero():
    table = formats_table(Chain(1000), [Fraction(1)] * 1000, formats="float64")
    assert table.rows[0].status == "zero"
    with mpmath.workdps(60):
        true_log = mpmath.log10(_true_gradient(1000))
        # float64 log-space: relative error a few eps of |log10| ~ 648 -> below 1e-12 absolute
        assert abs(mpmath.mpf(table.log10_logspace) - true_log) < 1e-12
        # printed to 17 significant digits: within half a unit of the 17th digit (5e-15)
        assert abs(mpmath.mpf(table.log10_true) - true_log) <= mpmath.mpf(5) * 10**-15


def test_json_schema_is_strings():
    doc = formats_table(Chain(20), [Fraction(1)] * 20).to_json()
    assert doc["schema"] == "symgrad.formats/1"
    assert [r["format"] for r in doc["formats"]] == list(nb.FORMATS)

    def walk(o):
        if isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
        else:
            assert isinstance(o, str)

    walk(doc)
    html = formats_table(Chain(3), [Fraction(1)] * 3)._repr_html_()
    assert html.startswith("<table>") and "bfloat16" in html


def test_wrt_out_of_range():
    with pytest.raises(SymgradError, match="wrt"):
        formats_table(Chain(3), [Fraction(1)] * 3, wrt=4)


def test_cli_formats_json(capsys):
    assert main(["formats", "--depth", "30", "--weights", "1", "--formats",
                 "float64,float16", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in doc["formats"]] == ["normal", "zero"]


@pytest.mark.parametrize("argv", [
    ["formats", "--depth", "3", "--weights", "1", "--formats", "float128"],
    ["formats", "--depth", "3"],
    ["formats", "--depth", "3", "--weights", "1", "--wrt", "all"],
    ["formats", "--depth", "3", "--weights", "1", "--digits", "0"],
])
def test_cli_formats_bad_input(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("symgrad: error:") and err.count("\n") == 1


@pytest.mark.parametrize("module", [
    "symgrad.numeric.flint_backend", "symgrad.numeric.numpy_backend", "symgrad.analysis.precision",
    "symgrad.analysis.precision._common", "symgrad.analysis.precision.formats",
    "symgrad.analysis.precision.logspace",
    "symgrad.analysis.precision.scan", "symgrad.analysis.precision.small_gradient",
])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
