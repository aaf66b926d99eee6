"""Kill tests for the surviving mutants of ``symgrad/numeric/reference.py`` (issue 10).

Each test pins a behaviour a surviving mutant changed without failing the suite: the digits
``repr()`` and ``_repr_html_()`` of a :class:`Reference` print, the default biases (0) of a
chain with biases, the largest accepted ``digits``, and the exact one-line refusals
(message and hint) of :func:`check_digits` and :func:`chain_point`, including the name
("bias", "input x") they give the offending value.

Expected digits come from the chain written out by hand in mpmath at 60 digits
(``tests/references.py``: textbook sigmoid, ``correctly_rounded``); expected messages are the
documented one-line refusals, written out literally.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from symgrad.base import reprs
from symgrad.base.errors import InputError
from symgrad.core.chain import Chain
from symgrad.numeric.flint_backend import MAX_DIGITS
from symgrad.numeric.reference import Reference, chain_point, check_digits, reference_values
from tests.references import activation, correctly_rounded, derivative, is_close

F = Fraction
GENERAL_BIAS = Chain(2, form="general", bias=True)
LIMIT_HINT = ("(use magnitudes up to 1e300; exp(-|w|) beyond it has an exponent of more than "
              "300 digits)")


def _refusal(call) -> str:
    with pytest.raises(InputError) as info:
        call()
    return info.value.cli_message


# -- repr / _repr_html_ ---------------------------------------------------------------------


def _seed_two_layer(digits: int):
    """Seed chain of depth 2 with weights (1/2, 2): o_1 = 1/2, F = sigma(1),
    dF/dw1 = 2 sigma'(1), dF/dw2 = (1/2) sigma'(1), correctly rounded by hand."""
    with mpmath.workdps(60):
        s, ds = activation("sigmoid", mpmath.mpf(1)), derivative("sigmoid", mpmath.mpf(1))
        return [correctly_rounded(v, digits) for v in (s, 2 * ds, ds / 2)]


def test_repr_prints_value_and_partials():
    r = reference_values(Chain(2), [F(1, 2), F(2)], digits=5)
    f, g1, g2 = _seed_two_layer(5)
    assert (f, g1, g2) == ("7.3106e-1", "3.9322e-1", "9.8306e-2")  # sigma(1) = 0.731058...
    text = repr(r)
    assert text.startswith(f"<Reference: F = {f}, 2 partials dF/dw1 = {g1} … dF/dw2 = {g2}")
    assert "5 correct digits" in text


def test_repr_fallback_names_the_class(monkeypatch):
    # private registry: the only route to the fallback is a class with no text renderer
    monkeypatch.setattr(reprs, "_RENDERERS", {})
    monkeypatch.setattr(reprs, "_LOADERS", {})
    r = Reference(3, 64, "1e+0", ("2e+0",), (), None)
    assert repr(r) == "<Reference>"
    assert r._repr_html_() is None


def test_repr_html_is_a_table_of_the_digits():
    r = reference_values(Chain(2), [F(1, 2), F(2)], digits=5)
    html = r._repr_html_()
    assert isinstance(html, str)
    for name, value in zip(["F", "dF/dw1", "dF/dw2"], _seed_two_layer(5)):
        assert name in html
        assert value in html
    assert "5 correct significant digits" in html


# -- check_digits ---------------------------------------------------------------------------


@pytest.mark.parametrize(("digits", "shown"), [(2.5, "2.5"), ("30", "'30'"), (True, "True"),
                                               (F(3), "Fraction(3, 1)")])
def test_check_digits_refuses_non_integers(digits, shown):
    msg = _refusal(lambda: check_digits(digits))
    assert msg == f"--digits must be a whole number, got {shown} (e.g. --digits 30)"


@pytest.mark.parametrize(("digits", "cap"), [(0, MAX_DIGITS), (MAX_DIGITS + 1, MAX_DIGITS),
                                             (6, 5), (-1, 5)])
def test_check_digits_refuses_outside_range(digits, cap):
    msg = _refusal(lambda: check_digits(digits, cap=cap))
    assert msg == f"--digits {digits} is outside 1..{cap} (pass 1 to {cap} digits)"


def test_check_digits_accepts_the_cap():
    assert check_digits(MAX_DIGITS) == MAX_DIGITS
    assert check_digits(5, cap=5) == 5
    assert check_digits(1, cap=1) == 1


# -- chain_point ----------------------------------------------------------------------------


def test_chain_point_refuses_a_non_chain():
    assert _refusal(lambda: chain_point(3, [1])) == (
        "chain must be a Chain, got int (e.g. Chain(3) from symgrad.core.chain)")


def test_default_biases_are_zero():
    w, b, xv = chain_point(GENERAL_BIAS, [F(1, 2), F(2)])
    assert (w, b, xv) == ((F(1, 2), F(2)), (F(0), F(0)), None)
    # general form, x = 1, b = 0: F = sigma(2 sigma(1/2)), computed by hand at 60 digits
    r = reference_values(GENERAL_BIAS, [F(1, 2), F(2)], digits=20)
    with mpmath.workdps(60):
        want = activation("sigmoid", 2 * activation("sigmoid", mpmath.mpf(1) / 2))
    assert is_close(r.value, want, rel="1e-19")
    assert len(r.grad_b) == 2


def test_biases_beyond_the_limit_are_named_bias():
    msg = _refusal(lambda: chain_point(GENERAL_BIAS, [1, 1], biases=[F(10) ** 301] * 2))
    assert msg == ("bias 1e+301 is beyond the limit |bias| <= 1e300 for the chain's weights, "
                   "biases and input " + LIMIT_HINT)


def test_biases_need_a_chain_with_biases():
    msg = _refusal(lambda: chain_point(Chain(2), [1, 1], biases=[1, 1]))
    assert msg == "--biases needs a chain with biases (add --form general --bias)"


def test_x_needs_the_general_form():
    msg = _refusal(lambda: chain_point(Chain(2), [1, 1], x=1))
    assert msg == "--x needs the general form (add --form general)"


def test_x_beyond_the_limit_is_named_input_x():
    msg = _refusal(lambda: chain_point(GENERAL_BIAS, [1, 1], x=F(10) ** 301))
    assert msg == ("input x 1e+301 is beyond the limit |input x| <= 1e300 for the chain's "
                   "weights, biases and input " + LIMIT_HINT)


def test_x_not_a_number_is_named_input_x():
    msg = _refusal(lambda: chain_point(GENERAL_BIAS, [1, 1], x=True))
    assert msg.startswith("input x True is a bool, not a number (")
