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
from symgrad.numeric import formats as fm
from symgrad.numeric import numpy_backend as nb
from tests.references import IEEE, nearest_even, prefix_gradients

DTYPES = {"float64": np.float64, "float32": np.float32, "float16": np.float16,
          "bfloat16": ml_dtypes.bfloat16}


def finfo(name):
    return ml_dtypes.finfo(DTYPES[name]) if name == "bfloat16" else np.finfo(DTYPES[name])


@pytest.mark.parametrize("name", fm.FORMATS)
def test_format_info_is_finfo(name):
    fi, info = finfo(name), fm.format_info(name)
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


@pytest.mark.parametrize("name", fm.FORMATS)
def test_round_to_format_is_correct_rounding(name):
    fi = finfo(name)
    rng = random.Random(4)
    lo, hi = int(fi.minexp) - int(fi.nmant) - 2, int(fi.maxexp) - 2
    for _ in range(1500):
        # non-dyadic and long dyadic rationals: the exact (not float64) path
        e = rng.randint(lo, hi)
        v = Fraction(rng.randint(1, 10**30), rng.randint(1, 10**30)) * Fraction(2) ** e
        v = v if rng.random() < 0.5 else -v
        got = float(fm.round_to_format(v, name))
        if abs(v) > Fraction(float(fi.max)):
            continue  # beyond max: checked in test_classify_uses_the_format_limits
        assert got == _nearest_by_search(v, name), (v, name)


def test_round_to_format_has_no_double_rounding():
    # 1 + 2^-11 + 2^-60 lies just above the midpoint of two float16 neighbours: correct
    # rounding goes up to 1 + 2^-10; rounding through float64 first loses 2^-60 and ties to 1.
    v = 1 + Fraction(1, 2**11) + Fraction(1, 2**60)
    assert float(fm.round_to_format(v, "float16")) == 1 + 2.0**-10
    assert float(np.float16(float(v))) == 1.0


def test_bfloat16_rounds_the_exact_value_once():
    # a float64 just above the midpoint 1 + 2^-8 of the bfloat16 neighbours 1 and 1 + 2^-7:
    # float32 (24 bits) drops the 2^-40 and lands on the midpoint, which then ties to 1
    x = 1 + 2.0**-8 + 2.0**-40
    v = Fraction(x)
    assert float(np.float32(x)) == 1 + 2.0**-8  # the double-rounding route's first step
    assert float(ml_dtypes.bfloat16(x)) == 1.0  # ... and where it ends (the defect)
    want = nearest_even(v, "bfloat16")
    assert want == 1 + Fraction(1, 2**7)
    assert Fraction(float(fm.round_to_format(v, "bfloat16"))) == want
    assert Fraction(float(fm.round_to_format(-v, "bfloat16"))) == -want


@pytest.mark.parametrize("name", fm.FORMATS)
def test_round_to_format_near_ties_of_float64_values(name):
    # float64 values a hair above or below a midpoint of the format, over its whole
    # exponent range (subnormals included): the fast float64 path and the exact path
    p, emin, emax = IEEE[name]
    rng = random.Random(11)
    for _ in range(400):
        e = rng.randint(emin - p, min(emin + 300, emax - 1))
        m = rng.randint(2 ** (p - 1), 2**p - 1) if e >= emin else rng.randint(1, 2 ** (p - 1))
        gap = Fraction(2) ** (max(e, emin) - (p - 1))
        tie = (m + Fraction(1, 2)) * gap
        for off in (Fraction(0), gap / 2**22, -gap / 2**22):
            v = Fraction(float(tie + off))  # exactly a float64 (the offset survives)
            got = Fraction(float(fm.round_to_format(v, name)))
            assert got == nearest_even(v, name), (name, v)


@pytest.mark.parametrize("name", fm.FORMATS)
def test_ulp_and_binary_exponent_follow_ieee(name):
    p, emin, emax = IEEE[name]
    info = fm.format_info(name)
    assert info.bits == p and info.minexp == emin
    assert fm.ulp(1, name) == Fraction(float(finfo(name).eps)) == Fraction(1, 2 ** (p - 1))
    assert fm.ulp(Fraction(3, 2), name) == Fraction(1, 2 ** (p - 1))
    assert fm.ulp(2, name) == Fraction(2, 2 ** (p - 1))
    smallest = Fraction(2) ** (emin - (p - 1))
    assert fm.ulp(0, name) == smallest == Fraction(info.smallest_subnormal)
    assert fm.ulp(Fraction(2) ** emin / 3, name) == smallest  # subnormal range: fixed gap
    top = Fraction(2) ** (emax - (p - 1))  # the gap in the top binade, also beyond it
    assert fm.ulp(info.max, name) == fm.ulp(Fraction(info.max) * 4, name) == top
    for x in (0.75, 1.0, 3.0, 1e-300, 2.0**-1074, -5.5e200):
        assert fm.binary_exponent(x) == math.frexp(x)[1] - 1
        assert fm.binary_exponent(mpmath.mpf(x)) == math.frexp(x)[1] - 1


@pytest.mark.parametrize("name", fm.FORMATS)
def test_classify_uses_the_format_limits(name):
    fi = finfo(name)
    dtype = DTYPES[name]
    assert fm.classify(dtype(fi.tiny), name) == "normal"
    assert fm.classify(dtype(fi.smallest_subnormal), name) == "subnormal"
    assert fm.classify(dtype(0.0), name) == "zero"
    with np.errstate(over="ignore"):
        assert fm.classify(dtype(float(fi.max)) * dtype(2.0), name) == "inf"
    assert fm.classify(dtype(math.nan), name) == "nan"
    half = Fraction(float(fi.smallest_subnormal)) / 2  # a tie: rounds to even, i.e. 0
    assert fm.classify(fm.round_to_format(half, name), name) == "zero"


@pytest.mark.parametrize("name", fm.FORMATS)
def test_every_operation_stays_in_the_format(name):
    v = nb.evaluate(Chain(6, activation="tanh", form="general", bias=True),
                    [Fraction(1, 3)] * 6, name, biases=[Fraction(1, 7)] * 6, x=Fraction(2))
    for item in [*v.outputs, *v.dact, *v.grad_w, *v.grad_b, v.grad_x]:
        assert type(item) is DTYPES[name]


def test_unknown_format():
    with pytest.raises(SymgradError, match="unknown format 'float8'"):
        fm.parse_formats("float64,float8")
    with pytest.raises(SymgradError, match="no format given"):
        fm.parse_formats(" , ")
    assert fm.parse_formats("FLOAT16, float64,float16") == ("float16", "float64")


def _true_gradient(depth: int, dps: int = 60):
    """dF/dw_1 of the all-ones seed sigmoid chain: the hand-written product (mpmath)."""
    return prefix_gradients("sigmoid", [1] * depth, dps)[-1]


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
    assert [r["format"] for r in doc["formats"]] == list(fm.FORMATS)

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
