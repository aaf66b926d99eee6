"""Kill tests for the classification rules (third mutmut run, see docs/mutation.md).

Every rule of :mod:`symgrad.analysis.stationary.rules` is pinned branch by branch with
the full verdict (class, strictness, degeneracy, method and evidence), and the tools it
relies on (:mod:`.signs`, :mod:`symgrad.numeric.eigen_enclosures`, :mod:`.splitting`)
against independently known answers: textbook classifications (x**2 minimum, x**2 - y**2
saddle, x**3 no extremum, Morse-Bott families), exact eigenvalues of small symmetric matrices
(2 - 2 cos(k pi / 6) for the path graph's Laplacian), Descartes' rule on characteristic
polynomials written out by hand.
"""

from __future__ import annotations

import math

import pytest
import sympy
from flint import arb, arb_mat

from symgrad.analysis.stationary import analyse
from symgrad.analysis.stationary.algebraic import rational_point
from symgrad.analysis.stationary.builders import exact_point
from symgrad.analysis.stationary.rules import (
    EXACT_INERTIA,
    FamilyFacts,
    PointFacts,
    classify_family,
    constant_family,
    enclosure_verdict,
    global_sign_family,
    global_sign_verdict,
    higher_order_1d,
    morse_bott_family,
    one_sided_verdict,
    side_word,
    sign_verdict,
    splitting_rule,
    verdict_from_inertia,
)
from symgrad.analysis.stationary.signs import exact_sign, expression_sign, inertia_from_signs
from symgrad.analysis.stationary.solve import ExactFamily
from symgrad.analysis.stationary.splitting import form_sign_pattern, reduced_function
from symgrad.numeric.eigen_enclosures import (
    components,
    congruence_enclosures,
    eigen_enclosures,
    gershgorin,
)

x, y, z = sympy.symbols("x y z")
ONE_SIDED = "one-sided derivatives (subdifferential)"
MORSE_BOTT = "Morse-Bott test (Hessian constant along the family)"
SPLITTING = "higher-order terms on the Hessian kernel (splitting lemma)"
GLOBAL_SIGN = "global sign of f - f(family) by factorisation"
WORDS = {1: "rises", -1: "falls", 0: "is flat", None: "is undecided"}


def full(v):
    return (v.cls, v.strict, v.degenerate, v.method, list(v.evidence))


def inertia_text(pos, neg, zero):
    return f"Hessian inertia: {pos} positive, {neg} negative, {zero} zero eigenvalue(s)"


# --- one-variable kinks: the one-sided rule, every pair ------------------------------


def _one_sided_expected(left, right):
    # +1: f rises away from p on that side, -1 falls, 0 flat, None undecided
    if left is None or right is None:
        return "degenerate: undecided", None
    if left == right == 1:
        return "local minimum", True  # above f(p) on both sides
    if left == right == -1:
        return "local maximum", True
    if {left, right} == {1, 0}:
        return "local minimum", False  # equal to f(p) on one side
    if {left, right} == {-1, 0}:
        return "local maximum", False
    if left == right == 0:
        return "constant", None
    return "no extremum", None  # above on one side, below on the other


@pytest.mark.parametrize("left", [1, -1, 0, None])
@pytest.mark.parametrize("right", [1, -1, 0, None])
def test_one_sided_verdict_table(left, right):
    cls, strict = _one_sided_expected(left, right)
    v = one_sided_verdict(left, right)
    assert full(v) == (cls, strict, True, ONE_SIDED,
                       [f"left side {WORDS[left]}, right side {WORDS[right]}"])


def test_side_word_table():
    assert [side_word(s) for s in (1, -1, 0, None)] == [
        "rises", "falls", "is flat", "is undecided"]


@pytest.mark.parametrize(("expr", "cls", "words"), [
    ("Abs(x)", "local minimum", "left side rises, right side rises"),
    ("-Abs(x)", "local maximum", "left side falls, right side falls"),
    # |x| + x/2: slopes -1/2 and 3/2, f > 0 on both sides of 0
    ("Abs(x) + x/2", "local minimum", "left side rises, right side rises"),
])
def test_kinks_end_to_end(expr, cls, words):
    (p,) = analyse(expr).points
    assert (p.verdict.cls, p.verdict.strict, p.verdict.degenerate, p.verdict.method) == (
        cls, True, True, ONE_SIDED)
    assert p.verdict.evidence[-1] == words


# --- second order: inertia and eigenvalue signs ---------------------------------------


@pytest.mark.parametrize(("inertia", "cls", "strict", "degenerate", "why"), [
    ((2, 0, 0), "local minimum", True, False, "positive definite"),
    ((0, 3, 0), "local maximum", True, False, "negative definite"),
    ((1, 1, 0), "saddle", None, False, "indefinite Hessian"),
    ((1, 1, 1), "saddle", None, True, "indefinite Hessian"),  # indefinite decides anyway
    ((2, 0, 1), "degenerate: undecided", None, True,
     "singular semidefinite Hessian: the second-order test cannot decide"),
    ((0, 1, 1), "degenerate: undecided", None, True,
     "singular semidefinite Hessian: the second-order test cannot decide"),
    ((0, 0, 2), "degenerate: undecided", None, True,
     "singular semidefinite Hessian: the second-order test cannot decide"),
])
def test_verdict_from_inertia_table(inertia, cls, strict, degenerate, why):
    v = verdict_from_inertia(inertia, method="m")
    assert full(v) == (cls, strict, degenerate, "m", [inertia_text(*inertia), why])
    assert verdict_from_inertia(inertia).method == "inertia"


@pytest.mark.parametrize(("signs", "inertia"), [
    ([1, 1], (2, 0, 0)),
    ([-1, -1], (0, 2, 0)),
    ([1, -1], (1, 1, 0)),
    ([-1, 1, 1], (2, 1, 0)),
    ([1, 0], (1, 0, 1)),
    ([0, -1], (0, 1, 1)),
    ([0, 0], (0, 0, 2)),
])
def test_sign_verdict_with_decided_signs_is_the_inertia_verdict(signs, inertia):
    want = verdict_from_inertia(inertia, method="eigenvalue signs")
    assert full(sign_verdict(signs)) == full(want)
    assert inertia_text(*inertia) == sign_verdict(signs, "m").evidence[0]
    assert sign_verdict(signs, "m").method == "m"


@pytest.mark.parametrize(("signs", "cls", "why"), [
    ([1, None, -1], "saddle", "a positive and a negative eigenvalue"),
    ([None, -1, 1], "saddle", "a positive and a negative eigenvalue"),
    ([1, None], "degenerate: undecided", "an eigenvalue of undecided sign"),
    ([None, -1], "degenerate: undecided", "an eigenvalue of undecided sign"),
    ([None, 0], "degenerate: undecided", "an eigenvalue of undecided sign"),
    ([None], "degenerate: undecided", "an eigenvalue of undecided sign"),
])
def test_sign_verdict_with_an_undecided_sign(signs, cls, why):
    assert full(sign_verdict(signs)) == (cls, None, None, "eigenvalue signs", [why])


# det(lambda I - H) = c_0 + c_1 lambda + ... ; signs[k] = sign(c_k)
@pytest.mark.parametrize(("rows", "inertia"), [
    ([[2, 1], [1, 2]], (2, 0, 0)),  # eigenvalues 1, 3
    ([[1, 2], [2, 1]], (1, 1, 0)),  # 3, -1
    ([[1, 1], [1, 1]], (1, 0, 1)),  # 0, 2
    ([[-1, 1], [1, -1]], (0, 1, 1)),  # 0, -2
    ([[0, 0], [0, 0]], (0, 0, 2)),
    ([[1, 0, 0], [0, -2, 0], [0, 0, 3]], (2, 1, 0)),  # lambda^3 - 2 lambda^2 - 5 lambda + 6
    ([[1, 0, 0], [0, -1, 0], [0, 0, 0]], (1, 1, 1)),  # lambda^3 - lambda
    ([[-1, 0, 0], [0, -2, 0], [0, 0, 0]], (0, 2, 1)),
])
def test_inertia_from_signs_on_charpolys(rows, inertia):
    lam = sympy.Symbol("lam")
    coeffs = sympy.Matrix(rows).charpoly(lam).all_coeffs()[::-1]
    assert inertia_from_signs([int(sympy.sign(c)) for c in coeffs]) == inertia


def test_inertia_from_signs_by_hand():
    assert inertia_from_signs([0, -4, 1]) == (1, 0, 1)  # lambda^2 - 4 lambda
    assert inertia_from_signs([1, -1, -1, 1]) == (2, 1, 0)  # (l-1)(l+2)(l-3)
    assert inertia_from_signs([0, 0, 1, 1]) == (0, 1, 2)  # l^2 (l + 1)
    assert inertia_from_signs([1]) == (0, 0, 0)


# --- certified enclosures -------------------------------------------------------------


def test_enclosure_verdict_decided_enclosures_pass_through():
    v = enclosure_verdict([arb(1), arb(2)], "how")
    assert full(v) == ("local minimum", True, False, "certified eigenvalues (how)",
                       [inertia_text(2, 0, 0), "positive definite"])
    v = enclosure_verdict([arb(-1), arb(2)], "how")
    assert (v.cls, v.method) == ("saddle", "certified eigenvalues (how)")


def test_enclosure_verdict_saddle_despite_an_enclosure_around_zero():
    v = enclosure_verdict([arb(-1, 0.25), arb(0, 0.5), arb(0.75, 0.125)], "how")
    assert full(v) == ("saddle", None, None, "certified eigenvalues (how)", [
        "a provably positive and a provably negative eigenvalue: the Hessian is "
        "indefinite, so F - F(w) takes both signs near w"])


@pytest.mark.parametrize("eigs", [
    [arb(0, 0.5), arb(2)],  # only positive ones decided
    [arb(-2), arb(0, 0.5)],  # only negative ones decided
    # [-1.5, -0.5], [-2, 2], [0.75, 1.25] overlap into one component of 3 eigenvalues
    [arb(-1, 0.5), arb(0, 2), arb(1, 0.25)],
    # an exact zero eigenvalue is neither positive nor negative: -x^2 - y^4 (a maximum)
    # and x^2 + y^4 (a minimum) have these Hessians
    [arb(-1), arb(0)],
    [arb(0), arb(1)],
])
def test_enclosure_verdict_undecided(eigs):
    v = enclosure_verdict(eigs, "how")
    assert (v.cls, v.strict, v.degenerate, v.method) == (
        "degenerate: undecided", None, None, "how")
    assert v.evidence == ["an eigenvalue enclosure contains 0: the Hessian may be singular; "
                          "numeric points get no higher-order test"]


def _ends(pairs):
    return [(arb(lo), arb(hi)) for lo, hi in pairs]


def _floats(comps):
    return [(float(lo), float(hi), k) for lo, hi, k in comps]


@pytest.mark.parametrize(("pairs", "merged"), [
    ([(0, 2), (1, 3), (5, 6)], [(0, 2 + 1, 2), (5, 6, 1)]),
    ([(5, 6), (0, 2)], [(0, 2, 1), (5, 6, 1)]),  # sorted by the lower ends
    ([(0, 1), (1, 2)], [(0, 2, 2)]),  # closed intervals sharing a point
    ([(0, 10), (1, 2)], [(0, 10, 2)]),  # nested: the outer upper end stays
    ([(0, 10), (1, 2), (11, 12)], [(0, 10, 2), (11, 12, 1)]),
    ([(0, 0.5), (0.75, 1)], [(0, 0.5, 1), (0.75, 1, 1)]),  # disjoint below 1
])
def test_components(pairs, merged):
    assert _floats(components(_ends(pairs))) == merged


def _sym_samples(rows_mid, rad):
    """Corner matrices of the symmetric box mid +/- rad on the off-diagonal entries."""
    import itertools

    n = len(rows_mid)
    offs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    for signs in itertools.product((-1, 1), repeat=len(offs)):
        m = sympy.Matrix(rows_mid)
        for (i, j), s in zip(offs, signs, strict=True):
            m[i, j] = m[j, i] = m[i, j] + s * sympy.Rational(rad)
        yield sorted(float(e) for e in m.eigenvals(multiple=True))


def _ball_matrix(rows_mid, rad):
    n = len(rows_mid)
    return arb_mat([[arb(rows_mid[i][j]) if i == j else arb(rows_mid[i][j], rad)
                     for j in range(n)] for i in range(n)])


@pytest.mark.parametrize("enclose", [gershgorin, congruence_enclosures, eigen_enclosures])
def test_enclosures_hold_every_symmetric_matrix_in_a_ball_matrix(enclose):
    # [[1, t], [t, 3]] with |t| <= 1/10: eigenvalues 2 -+ sqrt(1 + t^2), i.e. down to
    # 0.99501... and up to 3.00498...: the off-diagonal radius must widen the enclosures
    mid = [[1, 0], [0, 3]]
    got = enclose(_ball_matrix(mid, 0.1))
    eigs = sorted(got[0] if isinstance(got, tuple) else got, key=lambda b: float(b.mid()))
    for lams in _sym_samples(mid, "1/10"):
        for ball, lam in zip(eigs, lams, strict=True):
            assert ball.contains(arb(lam)), (ball, lam)


def test_gershgorin_scale_of_huge_and_tiny_matrices():
    # 10^k [[1, 2], [2, 5]]: eigenvalues 10^k (3 -+ 2 sqrt 2); plain Gershgorin discs
    # (without the diagonalisation) contain 0
    for k in (200, -200):
        c = arb(10) ** k
        discs = sorted(gershgorin(arb_mat([[1, 2], [2, 5]]) * c), key=lambda b: float(b.mid()))
        s = arb(8).sqrt()
        for disc, lam in zip(discs, [(3 - s) * c, (3 + s) * c], strict=True):
            assert disc.overlaps(lam) and not disc.contains(0)
            assert float(disc.rad() / abs(lam)) < 1e-9


def _path_laplacian(n):
    return [[2 if i == j else -1 if abs(i - j) == 1 else 0 for j in range(n)]
            for i in range(n)]


def test_congruence_enclosures_of_the_path_laplacian():
    # eigenvalues of tridiag(-1, 2, -1) of size 5: 2 - 2 cos(k pi / 6), k = 1..5
    eigs, how = congruence_enclosures(arb_mat(_path_laplacian(5)))
    assert how == "congruence V^T H V, Gershgorin + Ostrowski"
    exact = [2 - 2 * arb.cos_pi(arb(k) / 6) for k in range(1, 6)]
    assert len(eigs) == 5
    for ball, lam in zip(eigs, exact, strict=True):
        assert ball.overlaps(lam) and not ball.contains(0)
        assert float(ball.rad()) < 1e-12


@pytest.mark.parametrize("k", [0, 400, -400, 1000])
def test_congruence_enclosures_at_any_magnitude(k):
    # 10^k [[2, 1], [1, 2]]: eigenvalues 10^k and 3 * 10^k (outside float64 for |k| > 308)
    c = arb(10) ** k
    eigs, how = congruence_enclosures(arb_mat([[2, 1], [1, 2]]) * c)
    assert how.startswith("congruence V^T H V")
    for ball, lam in zip(eigs, [c, 3 * c], strict=True):
        assert ball.overlaps(lam) and not ball.contains(0)
        assert float(ball.rad() / lam) < 1e-12


def test_congruence_enclosures_tiny_entries_and_zero_matrix():
    # entries far below float resolution relative to ||H|| are kept as 0 +/- |h_ij|
    big = arb(10) ** 30
    eigs, _ = congruence_enclosures(arb_mat([[big, arb(10) ** -40], [arb(10) ** -40, 1]]))
    assert eigs[0].overlaps(arb(1)) and float(eigs[0].rad()) < 1e-12
    assert eigs[1].overlaps(big) and float(eigs[1].rad() / big) < 1e-12
    eigs, _ = congruence_enclosures(arb_mat(3, 3))
    assert len(eigs) == 3 and all(e.is_zero() for e in eigs)


def test_congruence_enclosures_keep_the_radius_of_a_cut_entry():
    # diag(10^30, 0 +/- 10^-5): the entry far below 10^30 * 2^-100 is replaced by
    # 0 +/- |h_22|; the matrices diag(10^30, -10^-5) and diag(10^30, 10^-5) are both in
    # the ball matrix, so the small enclosure must hold -10^-5 and 10^-5
    h = arb_mat([[arb(10) ** 30, 0], [0, arb(0, 1e-5)]])
    eigs, _ = congruence_enclosures(h)
    assert eigs[0].contains(arb(-1e-5)) and eigs[0].contains(arb(1e-5))
    assert float(eigs[0].rad()) < 2e-5
    assert eigs[1].overlaps(arb(10) ** 30)


@pytest.mark.parametrize(("rows", "exact"), [
    ([[2, 1], [1, 2]], [1, 3]),
    ([[3, 1], [1, 3]], [2, 4]),
    # a double eigenvalue: I + J (J all ones) has eigenvalues 1, 1, 4
    ([[2, 1, 1], [1, 2, 1], [1, 1, 2]], [1, 1, 4]),
    ([[5, 0], [0, 5]], [5, 5]),
])
def test_eigen_enclosures_exact_matrix(rows, exact):
    eigs, how = eigen_enclosures(arb_mat(rows))
    assert how == "acb_mat.eig (rump)"
    assert len(eigs) == len(exact)
    for ball, lam in zip(eigs, exact, strict=True):
        assert ball.overlaps(arb(lam)) and float(ball.rad()) < 1e-12


def test_eigen_enclosures_fall_back_to_gershgorin():
    # 10^1000 [[2, 1], [1, 2]]: Rump's method fails beyond float range; the fallback
    # still encloses the eigenvalues 10^1000 and 3 * 10^1000
    c = arb(10) ** 1000
    eigs, how = eigen_enclosures(arb_mat([[2, 1], [1, 2]]) * c)
    assert how == "Gershgorin discs after diagonalisation"
    assert all(e.contains(c) and e.contains(3 * c) for e in eigs)


# --- exact points: POINT_RULES end to end ---------------------------------------------


@pytest.mark.parametrize(("f", "variables", "point", "verdict"), [
    (x**2 + y**2, (x, y), (0, 0), ("local minimum", True, False, EXACT_INERTIA,
                                   [inertia_text(2, 0, 0), "positive definite"])),
    (-x**2 - 3 * y**2, (x, y), (0, 0), ("local maximum", True, False, EXACT_INERTIA,
                                        [inertia_text(0, 2, 0), "negative definite"])),
    (x**2 - y**2, (x, y), (0, 0), ("saddle", None, False, EXACT_INERTIA,
                                   [inertia_text(1, 1, 0), "indefinite Hessian"])),
    # z enters only at order 4: the Hessian is singular but indefinite
    (x**2 - y**2 + z**4, (x, y, z), (0, 0, 0), ("saddle", None, True, EXACT_INERTIA,
                                                 [inertia_text(1, 1, 1), "indefinite Hessian"])),
    (x**4, (x,), (0,), ("local minimum", True, True, "higher-order derivative test",
                        ["first non-vanishing derivative has order 4: f^(4)(p) > 0"])),
    (-(x - 1) ** 6, (x,), (1,), ("local maximum", True, True, "higher-order derivative test",
                                 ["first non-vanishing derivative has order 6: f^(6)(p) < 0"])),
    (x**3, (x,), (0,), ("no extremum", None, True, "higher-order derivative test",
                        ["first non-vanishing derivative has order 3: f^(3)(p) > 0",
                         "odd order: f - f(p) changes sign at p (inflection)"])),
    (x**2 + y**4, (x, y), (0, 0), ("local minimum", True, True, SPLITTING, [
        inertia_text(1, 0, 1),
        "reduced function on the 1-dimensional kernel starts with the order-4 form v0**4",
        "form positive definite"])),
])
def test_exact_point_verdicts(f, variables, point, verdict):
    hess = sympy.hessian(f, variables)
    p = exact_point(f, variables, hess, rational_point(point), 5)
    assert full(p.verdict) == verdict


def test_irrational_degenerate_point_is_left_undecided_with_the_reason():
    # (x^2 - 2)^2 + y^4 at (+-sqrt 2, 0): Hessian diag(16, 0); the splitting lemma is
    # implemented for rational points only, so no class is claimed there
    res = analyse("(x**2 - 2)**2 + y**4")
    irr = [p for p in res.points if p.exact[0] != 0]
    assert len(irr) == 2
    for p in irr:
        assert full(p.verdict) == ("degenerate: undecided", None, True, EXACT_INERTIA, [
            inertia_text(1, 0, 1),
            "singular semidefinite Hessian: the second-order test cannot decide",
            "higher-order test is implemented for rational points only"])


def test_higher_order_rule_at_irrational_points():
    # (x^2 - 2)^3: f''' (+-sqrt 2) = +-48 sqrt 2 / ... nonzero, f'' = 0 there; f''(0) = 24
    res = analyse("(x**2 - 2)**3")
    got = {str(p.exact[0]): full(p.verdict) for p in res.points}
    odd = "odd order: f - f(p) changes sign at p (inflection)"
    assert got["sqrt(2)"] == ("no extremum", None, True, "higher-order derivative test", [
        "first non-vanishing derivative has order 3: f^(3)(p) > 0", odd])
    assert got["-sqrt(2)"] == ("no extremum", None, True, "higher-order derivative test", [
        "first non-vanishing derivative has order 3: f^(3)(p) < 0", odd])
    assert got["0"][:3] == ("local minimum", True, False)


def test_splitting_rule_is_for_several_variables_only():
    f = x**4
    point = rational_point([0])
    facts = PointFacts(f, (x,), point, [[point.substitute(sympy.Poly(0, x, domain="QQ"))]],
                       (0, 0, 1))
    assert splitting_rule(facts) is None


def test_higher_order_1d_odd_order_evidence():
    v = higher_order_1d(lambda k: -1 if k == 5 else 0)
    assert full(v) == ("no extremum", None, True, "higher-order derivative test", [
        "first non-vanishing derivative has order 5: f^(5)(p) < 0",
        "odd order: f - f(p) changes sign at p (inflection)"])


# --- the splitting lemma: every evidence line -------------------------------------------


def _split(f, variables, point, inertia):
    from symgrad.analysis.stationary.rules import splitting_verdict

    h = sympy.hessian(f, variables).subs(dict(zip(variables, point)))
    return splitting_verdict(f, variables, [sympy.Integer(c) for c in point], h, inertia)


def _kernel_line(k, form):
    return f"reduced function on the 1-dimensional kernel starts with the order-{k} form {form}"


@pytest.mark.parametrize(("f", "inertia", "cls", "strict", "tail"), [
    (x**2 + y**3, (1, 0, 1), "saddle", None,
     [_kernel_line(3, "v0**3"), "odd order: f - f(p) takes both signs"]),
    (x**2 - y**4, (1, 0, 1), "saddle", None,
     [_kernel_line(4, "-v0**4"), "falls along the kernel, rises along positive eigenvectors"]),
    (-x**2 + y**4, (0, 1, 1), "saddle", None,
     [_kernel_line(4, "v0**4"), "rises along the kernel, falls along negative eigenvectors"]),
    (-x**2 - y**4, (0, 1, 1), "local maximum", True,
     [_kernel_line(4, "-v0**4"), "form negative definite"]),
    (x**2 + y**4, (1, 0, 1), "local minimum", True,
     [_kernel_line(4, "v0**4"), "form positive definite"]),
])
def test_splitting_verdict_evidence(f, inertia, cls, strict, tail):
    v = _split(f, (x, y), (0, 0), inertia)
    assert full(v) == (cls, strict, True, SPLITTING, [inertia_text(*inertia), *tail])


def test_splitting_verdict_even_indefinite_form_evidence():
    # x^4 - y^4: kernel = everything, the order-4 form takes both signs
    v = _split(x**4 - y**4, (x, y), (0, 0), (0, 0, 2))
    assert full(v) == ("saddle", None, True, SPLITTING, [
        inertia_text(0, 0, 2),
        "reduced function on the 2-dimensional kernel starts with the order-4 form "
        "v0**4 - v1**4",
        "the form takes both signs: f - f(p) takes both signs"])


def test_splitting_verdict_semidefinite_form_evidence():
    # x^2 + y^2 z^2: the order-4 form y^2 z^2 vanishes on the axes
    v = _split(x**2 + y**2 * z**2, (x, y, z), (0, 0, 0), (1, 0, 2))
    assert full(v)[:4] == ("degenerate: undecided", None, True, SPLITTING)
    assert v.evidence[-1] == ("the lowest-order form is semidefinite with zero directions; "
                              "deciding would need terms beyond it")


@pytest.mark.parametrize(("f", "cls", "strict", "form"), [
    # x = y^2 + w: f = w^2 + (y^2 + w)^3 -+ ... ; on the valley w = -3/2 y^4 + ..., so the
    # reduced function is  y^6 + y^6 = 2 y^6  resp.  y^6 - 2 y^6 = -y^6  (+ O(y^8)).
    # The Hessian of f in u = x depends on x (the x^3 term): a simplified Newton step
    # with the wrong matrix or from a wrong start leaves an order-4 remainder.
    ((x - y**2) ** 2 + x**3 + y**6, "local minimum", True, "2*v0**6"),
    ((x - y**2) ** 2 + x**3 - 2 * y**6, "saddle", None, "-v0**6"),
])
def test_splitting_lemma_with_a_curved_valley(f, cls, strict, form):
    v = _split(f, (x, y), (0, 0), (1, 0, 1))
    assert (v.cls, v.strict, v.degenerate) == (cls, strict, True)
    assert v.evidence[1] == _kernel_line(6, form)


def test_reduced_function_exact_series():
    # f = (x - y^2)^2 + x^3: u*(v) = v^2 - 3/2 v^4 + ..., g(v) = v^6 - 9/4 v^8 + ...
    f = (x - y**2) ** 2 + x**3
    h = sympy.hessian(f, (x, y)).subs({x: 0, y: 0})
    g, m = reduced_function(f, (x, y), [0, 0], h, 8)
    v0 = g.gens[0]
    # exact: min over w of w^2 + (v^2 + w)^3 - (v^2)^3 ... computed by hand to order 8
    assert m == 1
    assert sympy.expand(g.as_expr()) == v0**6 - sympy.Rational(9, 4) * v0**8


@pytest.mark.parametrize(("form", "pattern"), [
    # a double rational root (s = 1): exact interval [1, 1], p(1) = 0 is no sign
    ((x - y) ** 2 * (x**2 + y**2), "semidefinite/unknown"),
    (-(x - y) ** 2 * (x**2 + y**2), "semidefinite/unknown"),
    (x**2 * y**2, "semidefinite/unknown"),
    (x**2 + x * y + y**2, "positive definite"),
    (-(x**2) - x * y - y**2, "negative definite"),
])
def test_form_sign_pattern_exact_roots(form, pattern):
    assert form_sign_pattern(sympy.Poly(form, x, y)) == pattern


# --- families ---------------------------------------------------------------------------


def _facts(f, variables, solution, free):
    return FamilyFacts(f, tuple(variables), sympy.hessian(f, variables),
                       ExactFamily({k: sympy.sympify(v) for k, v in solution.items()},
                                   tuple(free)))


def test_morse_bott_saddle_family():
    # x^2 - y^2 in R^3: the z-axis, Hessian diag(2, -2, 0) everywhere on it
    v = morse_bott_family(_facts(x**2 - y**2, (x, y, z), {x: 0, y: 0}, (z,)))
    assert full(v) == ("saddle", None, True, MORSE_BOTT, [
        "Hessian on the family: 1 positive, 1 negative, 1 zero eigenvalue(s)",
        "family dimension 1", "indefinite Hessian at every point"])


@pytest.mark.parametrize(("f", "cls", "pos", "neg"), [
    (x**2, "local minimum", 1, 0),
    (-3 * x**2, "local maximum", 0, 1),
])
def test_morse_bott_extremum_families(f, cls, pos, neg):
    # the y-axis, kernel = its tangent: non-strict extremum at every point
    v = morse_bott_family(_facts(f, (x, y), {x: 0}, (y,)))
    assert full(v) == (cls, False, True, MORSE_BOTT, [
        f"Hessian on the family: {pos} positive, {neg} negative, 1 zero eigenvalue(s)",
        "family dimension 1",
        "kernel = tangent space of the family (Morse-Bott): non-strict extremum at every "
        "point"])


def test_morse_bott_flat_function_everywhere_is_a_non_strict_minimum():
    # f = 0: every point is a (non-strict) minimum; zero Hessian, family = all of R
    v = morse_bott_family(FamilyFacts(sympy.Integer(0), (x,), sympy.zeros(1, 1),
                                      ExactFamily({}, (x,))))
    assert (v.cls, v.strict, v.degenerate) == ("local minimum", False, True)


def test_morse_bott_refuses_more_zero_eigenvalues_than_the_dimension():
    # x^3 on the y-axis: zero Hessian, no extremum (x^3 changes sign): never a minimum
    v = morse_bott_family(_facts(x**3, (x, y), {x: 0}, (y,)))
    assert full(v) == ("degenerate: undecided", None, True, MORSE_BOTT, [
        "Hessian on the family: 0 positive, 0 negative, 2 zero eigenvalue(s)",
        "family dimension 1", "more zero eigenvalues than the family's dimension"])


def test_morse_bott_refuses_a_varying_hessian():
    # x^2 y on x = 0: minima for y > 0, maxima for y < 0
    facts = _facts(x**2 * y, (x, y), {x: 0}, (y,))
    v = morse_bott_family(facts)
    assert full(v) == ("degenerate: undecided", None, True, MORSE_BOTT, [
        "the Hessian varies along the family; no uniform verdict is derived"])
    assert full(classify_family(facts)) == full(v)


def test_morse_bott_refuses_an_undecidable_sign():
    # W(1) e^W(1) = 1, so the entry is exactly 0, but LambertW has no ball evaluation and
    # no exact zero test proves it: the sign stays undecided, and so does the verdict
    w = sympy.LambertW(1)
    facts = FamilyFacts(x**2, (x, y), sympy.Matrix([[w * sympy.exp(w) - 1, 0], [0, 0]]),
                        ExactFamily({x: sympy.Integer(0)}, (y,)))
    v = morse_bott_family(facts)
    assert full(v) == ("degenerate: undecided", None, True, MORSE_BOTT, ["undecidable sign"])


def test_constant_family():
    facts = FamilyFacts(sympy.Integer(3), (x, y), sympy.zeros(2, 2), ExactFamily({}, (x, y)))
    want = ("constant", None, True, "gradient identically zero",
            ["f is constant: every point is a non-strict local minimum and maximum"])
    assert full(constant_family(facts)) == want
    assert full(classify_family(facts)) == want
    assert constant_family(_facts(x**2, (x, y), {x: 0}, (y,))) is None


@pytest.mark.parametrize(("f", "solution", "free", "value", "cls", "rel", "word"), [
    (x**2 * (y**2 + 1), {x: 0}, (y,), 0, "local minimum", "\u2265", "minimum"),
    (-((x - y) ** 2), {x: y}, (y,), 0, "local maximum", "\u2264", "maximum"),
    # f(family) != 0: the sign is that of f - 3, not of f + 3
    ((x**2 + y**2 - 1) ** 2 + 3, {x: sympy.sqrt(1 - y**2)}, (y,), 3, "local minimum",
     "\u2265", "minimum"),
    (5 - (x - y) ** 2, {x: y}, (y,), 5, "local maximum", "\u2264", "maximum"),
])
def test_global_sign_verdict(f, solution, free, value, cls, rel, word):
    fam = ExactFamily({k: sympy.sympify(v) for k, v in solution.items()}, free)
    v = global_sign_verdict(f, (x, y), fam)
    assert (v.cls, v.strict, v.degenerate, v.method) == (cls, False, True, GLOBAL_SIGN)
    assert v.evidence[0].startswith(f"f - ({value}) = ")
    assert v.evidence[0].endswith(": every factor has a fixed sign")
    assert v.evidence[1] == (f"f {rel} {value} on all of \u211d\u207f with equality on the family: "
                             f"non-strict (global) {word} at every point")
    facts = FamilyFacts(f, (x, y), sympy.hessian(f, (x, y)), fam)
    assert full(global_sign_family(facts)) == full(v)
    assert full(classify_family(facts)) == full(v)


def test_families_end_to_end():
    # (xy - 1)^2 >= 0 with equality on the hyperbola xy = 1: non-strict minima there
    fam = analyse("(x*y - 1)**2").families
    assert fam
    assert [(f.verdict.cls, f.verdict.strict, f.verdict.method) for f in fam] == [
        ("local minimum", False, GLOBAL_SIGN)] * len(fam)


# --- signs --------------------------------------------------------------------------------


def _sqrt2_minus_truncation(k):
    # sqrt(2) - floor(sqrt(2) 10^k) / 10^k, in (0, 10^-k)
    return sympy.sqrt(2) - sympy.Rational(sympy.integer_nthroot(2 * 10 ** (2 * k), 2)[0],
                                          10**k)


def test_exact_sign_precision_budget_is_1024_bits():
    # 10^-100 needs ~330 bits: decided; 10^-400 needs ~1330 bits: beyond the budget
    assert exact_sign(_sqrt2_minus_truncation(100)) == 1
    assert exact_sign(-_sqrt2_minus_truncation(250)) == -1
    assert exact_sign(_sqrt2_minus_truncation(400)) is None


def test_expression_sign_retries_after_simplify():
    t = sympy.Symbol("t")
    e = sympy.Integral(2 * t, (t, 0, 1)) - sympy.Rational(1, 3)  # = 2/3 after simplify
    assert exact_sign(e) is None  # no ball evaluation of an unevaluated integral
    assert expression_sign(e) == 1
    assert expression_sign(sympy.Integral(2 * t, (t, 0, 1)) - 1) == 0
    assert expression_sign(-sympy.Rational(1, 3)) == -1
    assert expression_sign(sympy.sqrt(2) - sympy.Rational(3, 2)) == -1


def test_math_constants_used_above():
    # the path Laplacian's eigenvalues, cross-checked in floating point
    import numpy as np

    got = sorted(np.linalg.eigvalsh(np.array(_path_laplacian(5), dtype=float)))
    want = [2 - 2 * math.cos(k * math.pi / 6) for k in range(1, 6)]
    assert np.allclose(got, want)
