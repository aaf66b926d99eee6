"""The seven activations added to the registry (identity, relu, leaky_relu, elu, gelu, silu,
erf) through the symbolic tools: induction proof, derive document, parser, check/classify,
MathML printer, scan help.  References are independent: textbook minima of silu and gelu
(W(e^-1)-based and erf-based values computed here with mpmath), the derivative jump of
relu at 0, SymPy's own Piecewise rewrite."""

import mpmath
import pytest
import sympy

from symgrad.core.activations import ACTIVATIONS, elu, gelu, leaky_relu, relu, silu
from symgrad.core.induction import K_, prove_closed_form
from symgrad.core.parsing import FUNCTIONS, parse_expression, parse_relation
from symgrad.interfaces.cli import main
from symgrad.interfaces.documents.gradient import supremum_section
from symgrad.present.mathml import to_mathml

NEW = ("identity", "relu", "leaky_relu", "elu", "gelu", "silu", "erf")


def _silu_min() -> float:
    # silu'(t) = 0  <=>  1 + t + exp(t) = 0 ... solved as t = -1 - W(exp(-1)) (textbook)
    t = -1 - mpmath.lambertw(mpmath.e ** -1).real
    return float(t / (1 + mpmath.e ** -t))


def _gelu_min() -> float:
    t = mpmath.findroot(lambda t: mpmath.ncdf(t) + t * mpmath.npdf(t), -0.75)
    return float(t * mpmath.ncdf(t))


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize(("form", "bias", "k"), [("seed", False, 1), ("seed", False, 2),
                                                 ("general", True, 1), ("general", False, K_)])
def test_induction_proves_every_new_activation(name, form, bias, k):
    proof = prove_closed_form(name, form=form, bias=bias, k=k)
    assert proof.verified, str(proof)


def test_elu_product_step_uses_an_opaque_derivative():
    step = prove_closed_form("elu").steps[-1]
    assert step.verified and "opaque function Dact" in step.justification
    # the text's activations keep their proof text (no fallback needed)
    assert "opaque" not in prove_closed_form("sigmoid").steps[-1].justification


def test_supremum_prose_follows_the_registry():
    last = {n: supremum_section(n).steps[-1].justification for n in ("relu", "elu", "silu",
                                                                       "sigmoid")}
    assert "jumps there" in last["relu"] and "Clarke interval" in last["relu"]
    assert "its own derivative jumps at 0" in last["elu"]
    assert "rounded up" in last["silu"] and "continuous" in last["silu"]
    assert last["sigmoid"].startswith("the derivative is continuous: its supremum")
    # relu' jumps from 0 to 1 at 0: the one-sided limits are in the section
    eqs = [s.equation for s in supremum_section("relu").steps
           if "one-sided" in str(s.statement)]
    assert sorted(int(e.rhs) for e in eqs) == [0, 1]
    # silu' tends to 1 at +oo (SymPy's raw limit says 0; the document must not)
    lim = [s.equation for s in supremum_section("silu").steps if "limit at" in str(s.statement)]
    assert lim[-1].rhs == 1


def test_parser_takes_every_registered_name():
    x = sympy.Symbol("x", real=True)
    for name in ACTIVATIONS:
        assert name in FUNCTIONS
    assert parse_expression("silu(x)") == silu(x)
    assert parse_expression("gelu(x) + elu(x)") == gelu(x) + elu(x)
    assert parse_expression("leaky_relu(x)") == leaky_relu(x)
    assert parse_expression("identity(x)") == x
    assert parse_expression("erf(x)") == sympy.erf(x)
    # relu keeps its historical form, and it agrees with the class
    assert parse_expression("relu(x)") == sympy.Max(0, x)
    for v in (-2, 0, sympy.Rational(3, 7)):
        assert sympy.Max(0, x).subs(x, v) == relu(v)
    assert str(parse_relation("silu(x) >= -0.3")) == "silu(x) >= -3/10"


def _check(capsys, text):
    main(["check", text])
    return capsys.readouterr().out.split(":", 1)[0]


def test_check_verdicts_agree_with_textbook_minima(capsys):
    smin, gmin = _silu_min(), _gelu_min()
    assert abs(smin + 0.2784645) < 1e-6 and abs(gmin + 0.1699712) < 1e-6
    # below the minimum by a margin: a certified counterexample
    assert _check(capsys, f"silu(x) >= {smin + 1e-3:.6f}") == "FALSE"
    assert _check(capsys, f"gelu(x) >= {gmin + 1e-3:.6f}") == "FALSE"
    # true claims: proved or honestly undecided, never FALSE
    assert _check(capsys, "silu(x) >= -0.3") in ("TRUE", "UNDECIDED")
    assert _check(capsys, "gelu(x) <= relu(x)") in ("TRUE", "UNDECIDED")
    assert _check(capsys, "erf(x) < 1") in ("TRUE", "UNDECIDED")
    assert _check(capsys, "silu(x) <= x") == "FALSE"  # silu(-1) = -0.27 > -1


def test_classify_kinked_and_smooth(capsys):
    main(["classify", "elu(x)**2"])
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("1 "))
    assert row.split()[1:3] == ["0", "0"] and "local minimum" in row
    main(["classify", "silu(x)", "--box", "-3,3"])
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("1 "))
    assert abs(float(row.split()[2]) - _silu_min()) < 1e-12


def test_mathml_names_from_the_registry():
    t = sympy.Symbol("t")
    for f in (relu, leaky_relu, elu, gelu, silu):
        name = ACTIVATIONS[f.__name__].mathml_name
        assert f"<mi>{name}</mi>" in to_mathml(f(t), display="inline")


def test_scan_help_lists_every_activation(capsys):
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in ACTIVATIONS:
        assert name in text
