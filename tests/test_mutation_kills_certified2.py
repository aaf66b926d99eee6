"""Kill tests for the survivors of the third mutmut run over ``symgrad/numeric/certified.py``.

They pin what those mutants changed without failing the suite:

* which quantities must be decided (``_wanted``): a value within ~1e-31 of a 2-digit
  rounding boundary that only ``dF/db1`` (or only ``dF/dx``) sees must still come out
  correctly rounded, with or without ``wrt``, and a refusal names it;
* the kink refusal (``certified_values``): its exact text, the layer found with the
  biases and the input ``x``, and which of several zero-containing values it names;
* ``Ball``/``Certified`` display (``__repr__``, ``_repr_html_``) shows the digits.

Expected values are independent of symgrad: the chain written out in mpmath at 100
digits (``tests/references.py``, ``chain_reference``), rounded by ``correctly_rounded``;
the near-tie inputs are found by ``mpmath.findroot`` on that formula; exact rationals
(1/4 and 1/3) for the display tests; the kink text is the documented message.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import Ball, certified_values
from tests.references import chain_reference, correctly_rounded, mpf_of

F = Fraction

# Chain(2, sigmoid, general, bias): z1 = w1 x + b1, z2 = w2 sigma(z1) + b2, and
# delta1 = dF/db1 = sigma'(z2) w2 sigma'(z1), dF/dw1 = x delta1, dF/dx = w1 delta1.
X, W1, W2, B2 = F(2), F(4), F(1), F(0)
CHAIN = Chain(2, form="general", bias=True)
NAMES = ["F", "dF/dw1", "dF/dw2", "dF/db1", "dF/db2", "dF/dx"]


def _reference(b1: Fraction) -> dict[str, mpmath.mpf]:
    f, gw, gb, gx = chain_reference("sigmoid", "general", [W1, W2], [b1, B2], X, 100)
    return dict(zip(NAMES, [f, *gw, *gb, gx], strict=True))


def _b1_near(name: str, boundary: Fraction) -> Fraction:
    """b1 (30 decimals) putting ``name`` within ~1e-31 of ``boundary`` (findroot at 60
    digits on the mpmath formula), the other quantities far from any 2-digit boundary."""
    with mpmath.workdps(60):
        def gap(b1):
            z1 = mpf_of(W1 * X) + b1
            s1 = 1 / (1 + mpmath.exp(-z1))
            z2 = mpf_of(W2) * s1 + mpf_of(B2)
            s2 = 1 / (1 + mpmath.exp(-z2))
            delta1 = s2 * (1 - s2) * mpf_of(W2) * s1 * (1 - s1)
            factor = {"dF/db1": 1, "dF/dx": mpf_of(W1)}[name]
            return factor * delta1 - mpf_of(boundary)
        root = mpmath.findroot(gap, mpmath.mpf(-5.2))
        return F(int(mpmath.nint(root * 10**30)), 10**30)


def _check_all_decided(c, want, digits=2):
    for name, ball in c.balls():
        assert ball.mid == correctly_rounded(want[name], digits), name
        assert ball.digits == digits, name


@pytest.fixture(scope="module")
def near_db1():
    """dF/db1 within ~1e-31 of 0.0115 (between 1.1e-2 and 1.2e-2); dF/dw1 = 2 dF/db1
    ~ 0.023 and dF/dx = 4 dF/db1 ~ 0.046 are not near a 2-digit boundary."""
    b1 = _b1_near("dF/db1", F(115, 10**4))
    want = _reference(b1)
    with mpmath.workdps(100):
        gap = abs(want["dF/db1"] - mpf_of(F(115, 10**4)))
        assert mpmath.mpf(10) ** -40 < gap < mpmath.mpf(10) ** -28
    return b1, want


@pytest.fixture(scope="module")
def near_dx():
    """dF/dx = 4 delta1 within ~1e-31 of 0.0345; dF/db1 ~ 0.0086, dF/dw1 ~ 0.017 are not."""
    b1 = _b1_near("dF/dx", F(345, 10**4))
    want = _reference(b1)
    with mpmath.workdps(100):
        gap = abs(want["dF/dx"] - mpf_of(F(345, 10**4)))
        assert mpmath.mpf(10) ** -40 < gap < mpmath.mpf(10) ** -28
    return b1, want


# --- _wanted: every partial is decided, dF/db1 and dF/dx included -------------------------

def test_near_tie_in_db1_alone_is_decided(near_db1):
    """Kills ``_wanted`` 8 (dF/dw1 and dF/db1 not checked when wrt is None)."""
    b1, want = near_db1
    c = certified_values(CHAIN, [W1, W2], biases=[b1, B2], x=X, digits=2)
    _check_all_decided(c, want)


def test_near_tie_in_db1_is_decided_with_wrt(near_db1):
    """Kills ``_wanted`` 21 (with wrt=[1], dF/db2 checked in place of dF/db1)."""
    b1, want = near_db1
    c = certified_values(CHAIN, [W1, W2], biases=[b1, B2], x=X, digits=2, wrt=[1])
    assert c.grad_b[0].mid == correctly_rounded(want["dF/db1"], 2)
    assert c.grad_b[0].digits == 2
    assert c.grad_w[0].mid == correctly_rounded(want["dF/dw1"], 2)


def test_near_tie_in_dx_alone_is_decided(near_dx):
    """Kills ``_wanted`` 22-24 (dF/dx not checked in the general form)."""
    b1, want = near_dx
    c = certified_values(CHAIN, [W1, W2], biases=[b1, B2], x=X, digits=2)
    _check_all_decided(c, want)


def test_refusal_names_dx(near_dx):
    """Kills ``_wanted`` 26-28 (the name dF/dx in a refusal): at 64 bits only dF/dx is
    undecided (the near tie needs ~100 bits)."""
    b1, _ = near_dx
    with pytest.raises(SymgradError) as err:
        certified_values(CHAIN, [W1, W2], biases=[b1, B2], x=X, digits=2, max_prec=64)
    assert str(err.value).startswith("dF/dx ")
    assert str(err.value).endswith("the precision cap is 64 bits (ask for 3 digits or 1)")


# --- the kink refusal ---------------------------------------------------------------------

def test_kink_refusal_text_layer_and_name():
    """z1 = w1 x + b1 = 1*2 - 2 = 0 exactly (needs both the bias and x), so relu'(z1) is the
    Clarke interval [0, 1]: dF/dw1, dF/db1, dF/dx all contain 0 (equally undecided); the
    first of them in the documented order F, dF/dw.., dF/db.., dF/dx is named.
    Kills ``certified_values`` 74, 75, 78, 79 (kinks searched without b or x), 81, 83, 85,
    87, 88 (the name and the hint) and ``_undecided`` 24, 26 (the order of equal ties)."""
    chain = Chain(2, activation="relu", form="general", bias=True)
    with pytest.raises(SymgradError) as err:
        certified_values(chain, [F(1), F(1)], biases=[F(-2), F(1)], x=F(2), digits=5)
    assert str(err.value) == (
        "dF/dw1 depends on relu'(0) at layer 1, whose pre-activation is exactly 0: the "
        "derivative there is the Clarke interval, not a number (move the weights off the "
        "kink (z = 0))")


# --- display --------------------------------------------------------------------------------

def test_ball_repr_and_html_show_value_radius_and_digits():
    """1/4 to 3 digits is exactly 2.50e-1 with radius 0; 1/3 to 10 digits is 3.333333333e-1.
    Kills ``Ball.__repr__`` 1-7 and ``Ball._repr_html_`` 1-6."""
    b = Ball(fmpq(1, 4), 3, 64)
    assert repr(b) == "Ball(2.50e-1 ± 0, 3 digits)"
    html = b._repr_html_()
    assert html is not None
    assert "2.50e-1" in html and "(3 certified digits)" in html
    third = Ball(arb(1) / 3, 10, 64)
    assert repr(third).startswith("Ball(3.333333333e-1 ± ")
    assert repr(third).endswith(", 10 digits)")


def test_certified_repr_and_html_show_the_digits():
    """F = sigma(1) = 0.7310585786300... (mpmath), to 10 digits.
    Kills ``Certified.__repr__`` 1-7 and ``Certified._repr_html_`` 1-6."""
    c = certified_values(Chain(1, form="general"), [F(1)], digits=10, x=F(1))
    with mpmath.workdps(50):
        mid = correctly_rounded(1 / (1 + mpmath.exp(-1)), 10)
    text = repr(c)
    assert text.startswith(f"<Certified: F = {mid}, ")
    assert "10 correct digits" in text
    html = c._repr_html_()
    assert html is not None
    assert mid in html


# --- the working precision is a whole number of bits ----------------------------------------

def test_working_precision_is_a_whole_number_of_bits():
    """F = tanh(tanh(1) - b), b = tanh(1) to 10 decimals: the cancellation costs ~33 bits, so
    the first precision (349 bits for 99 digits) is raised once, by the 5/4 step.  The
    precision printed as ``working_precision_bits`` must stay an int (kills
    ``_next_precision`` 18, ``prec * 5 / 4``: 436.25).  The digits are mpmath's at 300."""
    with mpmath.workdps(300):
        b = F(int(mpmath.nint(mpmath.tanh(1) * 10**10)), 10**10)
        want = mpmath.tanh(mpmath.tanh(1) - mpf_of(b))
    chain = Chain(2, activation="tanh", form="general", bias=True)
    c = certified_values(chain, [F(1), F(1)], biases=[F(0), -b], x=F(1), digits=99)
    assert c.value.mid == correctly_rounded(want, 99)
    assert type(c.prec) is int
    assert c.to_json()["working_precision_bits"].isdigit()
