"""Exact global lower bounds of polynomials, and the claims they decide."""

from __future__ import annotations

import pytest
import sympy

from symgrad.analysis.claims import check_claim
from symgrad.analysis.stationary.polysign import factor_sign, lower_bound

x, y, z = sympy.symbols("x y z", real=True)


def test_quadratic_minimum_is_exact():
    # x^2 - 2xy + 2y^2 + 1 = (x - y)^2 + y^2 + 1: minimum 1 at the origin (by hand)
    assert lower_bound(x**2 - 2 * x * y + 2 * y**2 + 1, [x, y]) == (1, True)
    # (x - 1)^2 + (y + 2)^2 - 3: minimum -3 at (1, -2)
    assert lower_bound((x - 1) ** 2 + (y + 2) ** 2 - 3, [x, y]) == (-3, True)


@pytest.mark.parametrize(
    "p",
    [x**2 - y**2, x * y, x + y**2, -x**2],  # unbounded below: indefinite, or linear in x
)
def test_unbounded_quadratics_give_no_bound(p):
    assert lower_bound(p, [x, y]) is None


def test_factorisation_signs():
    assert factor_sign(x**2 * y**2, [x, y])[0] == 1
    assert factor_sign(-((x - y) ** 4) * (x**2 + 1), [x, y])[0] == -1
    assert factor_sign(x**3 * y, [x, y]) is None  # changes sign


@pytest.mark.parametrize(
    "claim,verdict",
    [
        ("x*y <= x**2 + y**2", "TRUE"),  # 2xy <= x^2 + y^2 and x^2 + y^2 >= 0
        ("x**2 + y**2 + z**2 >= x*y + y*z", "TRUE"),  # matrix eigenvalues 1, 1 +- 1/sqrt(2)
        ("x**4*y**2 - 2*x**2*y + 1 >= 0", "TRUE"),  # (x^2 y - 1)^2
        ("x*y < x**2 + y**2", "FALSE"),  # equality at the origin
        ("x**2 - y**2 >= 0", "FALSE"),  # x = 0, y = 1
    ],
)
def test_polynomial_claims(claim, verdict):
    assert check_claim(claim).verdict == verdict
