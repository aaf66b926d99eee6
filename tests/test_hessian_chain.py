"""The chain's Hessian (forward over reverse, Arb duals) vs independent references.

References: SymPy's symbolic Hessian of the nested expression (evaluated by
mpmath at 40 digits), central finite differences of the hand-written mpmath
gradient of :mod:`tests.references`, numpy's float64 eigenvalues.  Stationarity verdicts are checked
against SymPy gradients and against sign changes of F evaluated by mpmath.
"""

from fractions import Fraction as Fr

import mpmath
import pytest
import sympy
from flint import arb, ctx

from symgrad.analysis.stationary.chain import small_gradient_regions, stationary_description
from symgrad.analysis.stationary.landscape import (
    EIG_RUMP_MAX_DEPTH,
    MAX_HESSIAN_DEPTH,
    chain_hessian,
    symbolic_hessian,
)
from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid, softplus
from symgrad.core.chain import Chain
from symgrad.numeric.dual import DualArbOps
from symgrad.numeric.recurrence import evaluate_chain
from symgrad.numeric.weights import parse_weights
from tests.references import forward, gradient, is_close, mpf_of

ACTS = ["sigmoid", "tanh", "softplus"]


def _close(text: str, ref, rel: str) -> bool:
    """A printed entry agrees with ``ref``: '[+/- r]' must contain it, '0' is exact."""
    if text.startswith("["):
        return is_close(0, ref, absolute=text.strip("[]").split()[-1])
    if text == "0":
        return ref == 0
    return is_close(text, ref, rel=rel)


def test_dual_arithmetic_against_hand_derivatives():
    from symgrad.numeric.dual import Dual

    x = Dual(arb(2), arb(1))
    # (value, derivative) at x = 2, by hand
    cases = [(1 / x, (0.5, -0.25)), (3 - x, (1, -1)), (x - 3, (-1, 1)), (x / 4, (0.5, 0.25)),
             (Fr(1, 2) + x, (2.5, 1)), (x * x / (1 + x), (4 / 3, 8 / 9)), (-x, (-2, -1))]
    for d, (val, der) in cases:
        # exact up to double rounding of 4/3, 8/9: relative 1e-15
        assert abs(d.val - val) <= 1e-15 and abs(d.tan - der) <= 1e-15
    assert (x / x).tan.is_zero()


# -- against SymPy's symbolic Hessian ------------------------------------------------


@pytest.mark.parametrize("act", ACTS)
def test_matches_sympy_evalf(act):
    chain = Chain(3, activation=act)
    w = [Fr(1), Fr(2), Fr(-1, 2)]
    res = chain_hessian(chain, w, digits=25)
    sub = dict(zip(chain.weights, [sympy.Rational(v.numerator, v.denominator) for v in w]))
    exact = symbolic_hessian(chain).subs(sub)
    for i in range(3):
        for j in range(3):
            ref = sympy.N(exact[i, j].rewrite(sympy.exp), 40)
            got = sympy.Float(res.hessian_text[i][j], 40)
            assert abs(got - ref) <= abs(ref) * sympy.Float("1e-23")


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("form", ["seed", "general"])
def test_sympy_hessian_depths_2_to_5(act, form):
    general = form == "general"
    for depth in range(2, 6):
        chain = Chain(depth, activation=act, form=form, bias=general)
        w = [Fr((-1) ** k * (k + 2), 5) for k in range(depth)]  # -> 2/5, -3/5, 4/5, ...
        b = [Fr(1, 3) - Fr(k, 4) for k in range(depth)] if general else None
        x = Fr(-3, 2) if general else None
        syms = [*chain.weights, *chain.biases, chain.input] if general else list(chain.weights)
        vals = [*w, *b, x] if general else w
        # SymPy's Hessian of the nested expression, with sigmoid and softplus replaced by
        # their textbook formulas, evaluated by mpmath
        expr = chain.nested_expression().replace(
            lambda e: isinstance(e, (sigmoid, softplus)),
            lambda e: (1 / (1 + sympy.exp(-e.args[0])) if isinstance(e, sigmoid)
                       else sympy.log(1 + sympy.exp(e.args[0]))))
        h = sympy.hessian(expr, chain.weights)
        fn = sympy.lambdify(syms, [h[i, j] for i in range(depth) for j in range(depth)],
                            "mpmath", cse=True)
        with mpmath.workdps(40):
            ref = fn(*[mpf_of(v) for v in vals])
        res = chain_hessian(chain, w, digits=25, biases=b, x=x, symbolic_max_depth=0)
        got = [v for row in res.hessian_text for v in row]
        # 25 printed digits, last digit +/- 1: relative 1e-23 leaves a margin of 10
        assert all(_close(g, r, "1e-23") for g, r in zip(got, ref)), (depth, got, ref)


def test_symmetry_of_separately_computed_columns():
    # column j (seed e_j) and column i (seed e_i) come from different dual sweeps:
    # d/dw_j (dF/dw_i) and d/dw_i (dF/dw_j) must agree (Schwarz)
    chain = Chain(12, activation="tanh", form="general", bias=True)
    w = parse_weights("normal:0,1,seed=3", 12)
    b = parse_weights("uniform:-1,1,seed=4", 12)
    ops = DualArbOps()
    with ctx.workprec(200):
        cols = []
        for j in range(12):
            seeded = [ops.seed(v, arb(1)) if k == j else ops.convert(v) for k, v in enumerate(w)]
            v = evaluate_chain(chain, seeded, ops, biases=b, x=Fr(7, 10))
            cols.append([g.tan if g.tan is not None else arb(0) for g in v.grad_w])
        for i in range(12):
            for j in range(i):
                assert cols[j][i].overlaps(cols[i][j])
                assert abs(cols[j][i] - cols[i][j]) <= abs(cols[i][j]) * arb("1e-50")
    res = chain_hessian(chain, w, biases=b, x=Fr(7, 10), digits=20, eigenvalues=False)
    assert all(res.hessian_text[i][j] == res.hessian_text[j][i]
               for i in range(12) for j in range(12))


# -- depth 200 against finite differences --------------------------------------------


@pytest.mark.parametrize(("act", "form"), [("sigmoid", "seed"), ("tanh", "general")])
def test_depth_200_against_central_differences(act, form):
    n, general = 200, form == "general"
    chain = Chain(n, activation=act, form=form, bias=general)
    w = parse_weights("normal:0,1.5,seed=11", n)
    b = parse_weights("uniform:-0.5,0.5,seed=12", n) if general else None
    x = Fr(9, 10) if general else None
    res = chain_hessian(chain, w, digits=20, biases=b, x=x, eigenvalues=False)
    with mpmath.workdps(250):
        wm = [mpf_of(v) for v in w]
        bm = [mpf_of(v) for v in b] if general else None
        step = mpmath.mpf(10) ** -40
        for j, rows in [(0, (0, 1, 199)), (120, (57, 120, 199)), (199, (0, 198, 199))]:
            up, dn = list(wm), list(wm)
            up[j] += step
            dn[j] -= step
            gu, gd = (gradient(act, ws, form, bm, x)[1] for ws in (up, dn))
            for i in rows:
                fd = (gu[i] - gd[i]) / (2 * step)
                # central difference: truncation O(step^2) ~ 1e-80 relative; the
                # difference of gradients loses log10(|g_i| / (|H_ij| step)) <= ~130
                # of 250 digits: far below the 1e-18 asked of 20 printed digits
                assert _close(res.hessian_text[i][j], fd, "1e-18"), (i, j)


# -- eigenvalues and classes -----------------------------------------------------------


def test_congruence_enclosures_contain_numpy_eigenvalues():
    import numpy as np  # a core dependency
    n = EIG_RUMP_MAX_DEPTH + 20
    res = chain_hessian(Chain(n, activation="tanh"), parse_weights("normal:0,1,seed=5", n),
                        digits=20)
    assert res.eigen_method.startswith("congruence")
    a = np.array([[float(v) if not v.startswith("[") else 0.0 for v in row]
                  for row in res.hessian_text])
    lam = np.linalg.eigvalsh(a)
    scale = np.abs(lam).max()
    for got, ref in zip(res.eigenvalues, lam):
        ball = arb(got)
        # LAPACK's eigenvalues are backward stable: error <= ~n*eps*||H|| (use 1e-12)
        assert abs(ball - float(ref)) <= arb(ball.rad()) + arb(1e-12 * scale)


def test_origin_of_two_layer_chain_is_a_saddle():
    res = chain_hessian(Chain(2), [Fr(0), Fr(0)], digits=12)
    assert res.stationary
    assert res.verdict.cls == "saddle"
    assert res.hessian_text[0][1] == "2.50000000000e-1"  # sigma'(0) = 1/4
    assert stationary_description(Chain(2))[1] == [(Fr(0), Fr(0))]


def test_stationary_sets_against_sympy():
    # sigmoid depth 3: gradient never vanishes -- the last component is sigma'(z3)*o2 > 0
    c3 = Chain(3)
    g3 = [sympy.diff(c3.nested_expression(), w) for w in c3.weights]
    assert stationary_description(c3)[1] == []
    assert sympy.simplify(g3[2].rewrite(sympy.exp)).is_positive is not False
    # tanh depth 3: two zero weights make every partial vanish
    t3 = Chain(3, activation="tanh")
    gt = [sympy.diff(t3.nested_expression(), w) for w in t3.weights]
    w1, w2, w3 = t3.weights
    for point in ({w1: 0, w2: 0, w3: 5}, {w1: 0, w3: 0, w2: -2}, {w2: 0, w3: 0, w1: 3}):
        assert all(sympy.simplify(g.subs(point)) == 0 for g in gt)
    assert any(sympy.simplify(g.subs({w1: 0, w2: 1, w3: 1})) != 0 for g in gt)
    res = chain_hessian(t3, [Fr(0), Fr(0), Fr(1)], digits=10)
    # F ~ w1*w2 near (0, 0, 1): an indefinite Hessian, a saddle (F takes both signs)
    assert res.stationary and res.verdict.cls == "saddle"
    with mpmath.workdps(30):
        t = mpmath.mpf("1e-3")
        assert forward("tanh", [t, t, 1]) > 0 > forward("tanh", [t, -t, 1])


def test_deep_tanh_saddle_and_undecided():
    n, p, q = 100, 9, 49  # zero weights at w10 and w50: stationary
    w = [Fr(1)] * n
    w[p] = w[q] = Fr(0)
    res = chain_hessian(Chain(n, activation="tanh"), w, digits=15)
    assert res.stationary and res.verdict.cls == "saddle"
    with mpmath.workdps(40):
        t = mpmath.mpf("1e-4")
        up = [mpmath.mpf(v.numerator) for v in w]
        dn = list(up)
        up[p] = up[q] = dn[p] = t
        dn[q] = -t
        assert forward("tanh", up) > 0 > forward("tanh", dn)
    # three zero weights: H = 0, the second-order test cannot decide
    w[70] = Fr(0)
    res = chain_hessian(Chain(n, activation="tanh"), w, digits=15, eigenvalues=False)
    assert res.stationary and res.verdict.cls == "degenerate: undecided"
    assert all(v == "0" for row in res.hessian_text for v in row)


def test_general_form_stationarity():
    # tanh, x = 0, no bias: every o_j = 0, F = 0 identically: stationary, H = 0
    chain = Chain(3, activation="tanh", form="general", bias=True)
    res = chain_hessian(chain, [Fr(2)] * 3, biases=[Fr(0)] * 3, x=Fr(0), digits=10)
    assert res.stationary and res.verdict.cls == "degenerate: undecided"
    # z1 = 1*1 - 1 = 0 exactly, so o1 = 0 -- but dF/dw1 = x*prod(...) != 0
    res = chain_hessian(chain, [Fr(1), Fr(3), Fr(2)], biases=[Fr(-1), Fr(0), Fr(0)],
                        x=Fr(1), digits=10)
    assert res.stationary is False and res.verdict.cls == "not stationary"
    sig = Chain(4, form="general", bias=True)
    res = chain_hessian(sig, [Fr(1)] * 4, biases=[Fr(0)] * 4, x=Fr(2), digits=10)
    assert res.stationary is False and stationary_description(sig)[0].startswith("none")


def test_not_stationary_point():
    res = chain_hessian(Chain(4), [Fr(1)] * 4, digits=10)
    assert not res.stationary and res.verdict.cls == "not stationary"


def test_small_gradient_regions():
    regs = small_gradient_regions(Chain(5), Fr(1, 1000))
    qualifying = [r for r in regs if r.qualifies]
    assert qualifying and all(r.stationary_free for r in regs)
    assert not regs[0].qualifies  # near w = 1 the gradient is not small
    assert all(float(r.grad_norm_upper) < 1e-3 for r in qualifying)


# -- limits and errors -----------------------------------------------------------------


def test_depth_cap_and_bad_input():
    n = MAX_HESSIAN_DEPTH + 1
    with pytest.raises(SymgradError, match="cap"):
        chain_hessian(Chain(n), [Fr(1)] * n)
    with pytest.raises(SymgradError, match="weights"):
        chain_hessian(Chain(3), [Fr(1)] * 2)
    with pytest.raises(SymgradError, match="digits"):
        chain_hessian(Chain(3), [Fr(1)] * 3, digits=0)
    with pytest.raises(SymgradError, match="seed"):
        small_gradient_regions(Chain(3, form="general"), Fr(1))


def test_cli(capsys):
    from symgrad.interfaces.cli import main

    assert main(["hessian", "--depth", "2", "--weights", "0", "--digits", "8"]) == 0
    out = capsys.readouterr().out
    assert "saddle" in out and "2.5000000e-1 ± " in out and "+/-" not in out
    assert main(["hessian", "--depth", "3", "--weights", "1", "--format", "json",
                 "--small-gradient", "1e-3"]) == 0
    assert '"small_gradient"' in capsys.readouterr().out
    assert main(["hessian", "--depth", "2", "--form", "general", "--bias", "--biases",
                 "0.5", "--x", "2", "--weights", "1", "--format", "latex"]) == 0
    assert r"\begin{pmatrix}" in capsys.readouterr().out
    bad = [["--depth", "2", "--weights", "x"],
           ["--depth", str(MAX_HESSIAN_DEPTH + 1), "--weights", "1"],
           ["--depth", "2", "--weights", "1", "--x", "2"],
           ["--depth", "2", "--weights", "1", "--biases", "1"],
           ["--depth", "2", "--weights", "1", "--digits", "0"],
           ["--depth", "2", "--form", "general", "--weights", "1", "--small-gradient", "1"]]
    for args in bad:
        assert main(["hessian", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("symgrad: error:") and err.count("\n") == 1


def test_hessian_work_cap_refuses_before_computing():
    """depth^2 x digits above 2e7 is refused up front with the largest digits that fit."""
    from fractions import Fraction

    from symgrad.analysis.stationary.landscape import MAX_HESSIAN_WORK, chain_hessian
    from symgrad.base.errors import SymgradError
    from symgrad.core.chain import Chain

    assert MAX_HESSIAN_WORK == 2 * 10**7
    with pytest.raises(SymgradError, match="work cap") as info:
        chain_hessian(Chain(200), [Fraction(1)] * 200, digits=501)
    assert "--digits 500 or less" in info.value.cli_message
    assert "digits=500 or less" in str(info.value)
    small = chain_hessian(Chain(1), [Fraction(1, 2)], digits=1000, eigenvalues=False)
    assert small.digits == 1000
