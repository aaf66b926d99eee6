"""Documents with numbers computed when they are built.

:func:`small_gradient_document` -- the text's f_c(x) = max(0, c x) with
c = 10^-90 and p = 10^9999: exact values (SymPy rationals), the derivative
from ``sympy.diff``, and the same at arbitrary precision with mpmath,
including the precision below which a gradient step from p is lost.

:func:`machine_epsilon_document` -- machine epsilon of float64, float32,
float16 and bfloat16 (from ``numpy.finfo``/``ml_dtypes.finfo``), the rounding
rule that makes small updates vanish (checked in each format's own
arithmetic), and the depths at which dF/dw_1 of the text's sigmoid chain
(all weights 1) drops below it and below the smallest subnormal -- the
depths come from the precision lab's scan (:mod:`symgrad.analysis.precision.scan`)
and each is checked by a full certified evaluation (Arb balls) of the chain.

>>> small_gradient_document().verified
True
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy
from flint import arb, ctx, fmpq

from symgrad.core import text
from symgrad.core.chain import Chain
from symgrad.core.induction import L_
from symgrad.interfaces.documents.model import Document, Section, Step
from symgrad.numeric import flint_backend
from symgrad.numeric.decimal_text import round_ball
from symgrad.numeric.formats import FORMATS, format_info
from symgrad.numeric.weights import parse_number
from symgrad.present.latex import power_of_ten

__all__ = [
    "FORMATS",
    "SCAN_DEPTH",
    "decided_float",
    "machine_epsilon_document",
    "machine_number",
    "small_gradient_document",
]

#: depths scanned by the machine-epsilon document (float64's gradient reaches 0 near 500)
SCAN_DEPTH = 1000
_X = sympy.Symbol("x", real=True)


def _float(value, digits: int = 6) -> sympy.Float:
    """A SymPy Float with ``digits`` significant digits (from an exact or mpmath value)."""
    if isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(value, digits)


def _p_minus_c() -> mpmath.mpf:
    """p - c at mpmath's working precision (one gradient step with learning rate 1)."""
    return mpmath.mpf(10) ** text.P_EXPONENT - mpmath.mpf(10) ** text.C_EXPONENT


def _arbitrary_precision_steps(fc, c: sympy.Symbol) -> list[Step]:
    """f_c(p), its slope and one gradient step with mpmath (exponents are unbounded)."""
    with mpmath.workdps(30):
        mc, mp = mpmath.mpf(10) ** text.C_EXPONENT, mpmath.mpf(10) ** text.P_EXPONENT
        m_value = max(mpmath.mpf(0), mc * mp)
        h = mp * mpmath.mpf(10) ** -10
        m_slope = (max(0, mc * (mp + h)) - max(0, mc * (mp - h))) / (2 * h)
        exact_value = mpmath.mpf(10) ** (text.P_EXPONENT + text.C_EXPONENT)
        ok_value = mpmath.almosteq(m_value, exact_value, rel_eps=mpmath.mpf(10) ** -25)
        ok_slope = mpmath.almosteq(m_slope, mc, rel_eps=mpmath.mpf(10) ** -25)
    need = text.P_EXPONENT - text.C_EXPONENT + 1  # digits to hold p - c (from the exponents)
    with mpmath.workdps(50):
        lost_50 = _p_minus_c() == mpmath.mpf(10) ** text.P_EXPONENT
    with mpmath.workdps(need + 5):
        kept = _p_minus_c() != mpmath.mpf(10) ** text.P_EXPONENT
    p = sympy.Symbol("p")
    return [
        Step(("The value at ", p, " with mpmath (30 digits)."),
             "mpmath multiplication at 30 significant digits; agrees with the exact value to "
             "25 digits", sympy.Eq(fc(sympy.Symbol("p")), sympy.Float(m_value, 10),
                                   evaluate=False), bool(ok_value)),
        Step(("The slope at p from a central difference with step ",
              sympy.Rational(1, 10**10) * sympy.Symbol("p"), "."),
             ("mpmath at 30 digits (the function is linear near ", p, ", so the difference "
              "quotient is exact up to rounding); agrees with ", c, " to 25 digits"),
             sympy.Eq(sympy.Symbol("slope"), sympy.Float(m_slope, 10), evaluate=False),
             bool(ok_slope)),
        Step(("One gradient step with learning rate 1 changes ", p, " by ", c, " only; at 50 "
              "digits the update is lost, and it takes ", sympy.Integer(need),
              " digits to keep it."),
             ("mpmath at 50 digits: ", p - c, " rounds to ", p, "; at the stated precision it "
              "does not"),
             sympy.Eq(sympy.Symbol("p_1"), sympy.Symbol("p") - c, evaluate=False),
             bool(lost_50 and kept)),
    ]


def _small_gradient_definition(f, fc, c, xp, deriv_pos) -> list[Step]:
    """The function, its minimum 0 and its derivative c for x > 0."""
    at_zero = f.xreplace({_X: 0})
    return [
        Step("The function.", "the text's example",
             sympy.Eq(fc(_X), f, evaluate=False)),
        Step("Its minimum value is 0: it is a maximum with 0, and it is 0 at the origin.",
             ("a maximum with 0 is at least 0, and substitution of ",
              sympy.Eq(_X, 0, evaluate=False)),
             sympy.Eq(fc(0), at_zero, evaluate=False), at_zero == 0),
        Step(("For positive ", _X, " the derivative is the constant ", c, "."),
             ("differentiation with ", sympy.Gt(_X, 0), " (there ",
              sympy.Eq(sympy.Max(0, c * _X), c * _X, evaluate=False), ")"),
             sympy.Eq(sympy.Derivative(sympy.Symbol("f_c"), xp), deriv_pos, evaluate=False),
             deriv_pos == c),
    ]


def _small_gradient_exact(fc, c, c_val, p_val, value, grad, same: bool) -> list[Step]:
    """The text's c and p, and f_c(p), f_c'(p) exactly (checked against the precision lab)."""
    return [
        Step("The text's values.", "the example's choice",
             sympy.Eq(c, c_val, evaluate=False)),
        Step("", "the example's choice", sympy.Eq(sympy.Symbol("p"), p_val, evaluate=False)),
        Step(("The value at ", sympy.Symbol("p"), ", exactly: far above the minimum 0."),
             "exact rational arithmetic; symgrad's precision lab gives the same",
             sympy.Eq(fc(sympy.Symbol("p")), value, evaluate=False), same),
        Step(("The derivative at ", sympy.Symbol("p"), ", exactly."),
             ("the derivative above at ", sympy.Eq(_X, sympy.Symbol("p"), evaluate=False),
              "; symgrad's precision lab gives the same"),
             sympy.Eq(sympy.Derivative(sympy.Symbol("f_c"), sympy.Symbol("p")), grad,
                      evaluate=False), grad == c_val and same),
    ]


#: the precision lab's status of a value, in words
_STATUS = {"inf": "overflow", "nan": "not a number", "zero": "underflow to zero",
           "normal": "a normal number", "subnormal": "a subnormal number"}


def machine_number(value: str) -> sympy.Expr:
    """A value the precision lab printed (``'inf'``, ``'nan'``, a decimal string) as a SymPy
    number: an exact power of ten stays exact (it prints as a power), others are floats.

    >>> machine_number("1e-90") == sympy.Rational(1, 10**90)
    True
    >>> machine_number("inf"), machine_number("2.5")
    (oo, 2.50000000000000)
    """
    low = value.strip().lower()
    special = {"inf": sympy.oo, "+inf": sympy.oo, "-inf": -sympy.oo, "nan": sympy.nan}
    if low in special:
        return special[low]
    exact = sympy.Rational(parse_number(value))
    if power_of_ten(exact, 1) is not None or exact.q == 1:
        return exact
    return sympy.Float(value, 15)


def _format_step(r, fc, c) -> Step:
    """The example computed in one machine format, in words and numbers."""
    p = sympy.Symbol("p")

    def shown(value: str, status: str) -> tuple:
        return (machine_number(value), f" ({_STATUS.get(status, status)})")

    return Step((f"In {r.format}, ", p, " is ", *shown(r.p, r.status_p), ", ", c, " is ",
                 *shown(r.c, r.status_c), ", ", fc(p), " is ", machine_number(r.value),
                 " and its derivative is ", *shown(r.derivative, r.status_derivative), "."),
                "symgrad's precision lab: each operation rounded to the format")


def small_gradient_document(example=None) -> Document:
    """f_c(x) = max(0, c x): a tiny gradient far from the minimum (the text's example).

    ``example``: the precision lab's :class:`~symgrad.analysis.precision.SmallGradient` to show
    (``symgrad report`` passes the one its page shows, computed once for its formats);
    by default it is computed here for every format.
    """
    from symgrad.analysis.precision.small_gradient import small_gradient_example

    c = sympy.Symbol("c", positive=True)
    fc = sympy.Function("f_c")
    f = sympy.Max(0, c * _X)
    c_val, p_val = text.C, text.P
    xp = sympy.Symbol("x", positive=True)
    deriv_pos = sympy.diff(f.xreplace({_X: xp}), xp)
    value = f.xreplace({c: c_val, _X: p_val})
    grad = deriv_pos.xreplace({c: c_val, xp: p_val})
    defs = _small_gradient_definition(f, fc, c, xp, deriv_pos)
    # the precision lab's computation of the same example
    lab = small_gradient_example() if example is None else example
    same = (sympy.Rational(parse_number(lab.exact_value)) == value
            and sympy.Rational(parse_number(lab.exact_derivative)) == grad)
    exact = _small_gradient_exact(fc, c, c_val, p_val, value, grad, same)
    formats = [_format_step(r, fc, c) for r in lab.rows]
    numeric = _arbitrary_precision_steps(fc, c)
    p_sym = sympy.Symbol("p")
    closing = ("The gradient ", grad, " is tiny while ",
               sympy.Eq(fc(p_sym), value, evaluate=False), " is far above the minimum 0, and "
               "the nearest minimiser (", sympy.Le(_X, 0, evaluate=False), ") is at distance ",
               p_val, ". A small gradient does not mean a point close to the optimum.")
    note = ("The text states the derivative at p as ",
            sympy.Integer(10) ** text.FC_PRINTED_EXPONENT, "; with ",
            sympy.Eq(c, c_val, evaluate=False), " the derivative computed above is c itself, ",
            grad, ". The conclusion is unchanged.")
    return Document("A small gradient far from the minimum", (
        Section("The function", "", tuple(defs)),
        Section("Exact values", "", tuple(exact)),
        Section("At arbitrary precision", "", tuple(numeric), closing),
        Section("In binary floating point",
                "The same example in the machine formats: p does not even exist there.",
                tuple(formats)),
    ), "Every value below was computed when this document was built.", (note,))


# -- machine epsilon --------------------------------------------------------------------
def _finfo(name: str):
    info = format_info(name)
    return info.dtype, Fraction(info.eps), Fraction(info.smallest_subnormal)


def _pow2(value: Fraction) -> sympy.Expr:
    """An exact power of two as ``2**n`` (unevaluated, so it prints as a power)."""
    n = value.numerator.bit_length() - value.denominator.bit_length()
    if Fraction(2) ** n != value:
        raise ValueError(f"{value} is not a power of two")
    return sympy.Pow(2, n, evaluate=False)


def _lost_rule_holds(dtype, eps: Fraction) -> bool:
    """In the format's own arithmetic: 1 - eps/4 rounds to 1, 1 - (next number up) does not."""
    quarter = float(eps / 4)
    above = float(eps / 4 * (1 + eps))
    one = dtype(1)
    return bool(one - dtype(quarter) == one) and bool(one - dtype(above) != one)


def _arb(value: Fraction) -> arb:
    return arb(fmpq(value.numerator, value.denominator))


def decided_float(ball, digits: int) -> sympy.Float:
    """A SymPy ``Float`` of the ball's value correctly rounded to ``digits`` digits; raises
    ``ValueError`` if the ball does not decide them (a caller bug: the documents evaluate
    at far more bits than they show)."""
    text = round_ball(ball, digits)
    if text is None:
        raise ValueError(f"the ball {ball} does not decide {digits} digits")
    return sympy.Float(text, digits)


def _mid(ball) -> sympy.Float:
    """The ball's value correctly rounded to 6 digits (decided by the ball)."""
    return decided_float(ball, 6)


def _gradient_ball(depth: int):
    """dF/dw_1 of the depth-``depth`` seed sigmoid chain, weights 1: an Arb ball (256 bits).

    A full evaluation of that chain by the shared recurrence, independent of the
    precision lab's prefix scan.
    """
    return flint_backend.evaluate(Chain(depth), [Fraction(1)] * depth, prec=256).grad_w[0]


def _crossing_checked(depth: int, threshold: Fraction) -> tuple[bool, object]:
    """True when the gradient is below ``threshold`` at ``depth`` and not at ``depth - 1``."""
    g, t = _gradient_ball(depth), _arb(threshold)
    before = _gradient_ball(depth - 1) if depth > 1 else arb(1)
    with ctx.workprec(256):
        return bool(g < t and before > t), g


def _rule_steps(formats: tuple[str, ...]) -> tuple[list[Step], dict]:
    """Each format's epsilon, the rounding rule of small updates, and its smallest subnormal."""
    rule_steps = []
    info = {}
    eps_s = sympy.Symbol("epsilon")
    for name in formats:
        dtype, eps, tiny = _finfo(name)
        info[name] = (eps, tiny)
        rule_steps.append(Step(
            f"{name}: machine epsilon, the gap between 1 and the next larger number.",
            ("the format's parameters as NumPy reports them"
             + (" (the ml-dtypes package for bfloat16)" if name == "bfloat16" else "")
             + ", an exact power of two"),
            sympy.Eq(sympy.Symbol(f"epsilon_{name}"), _pow2(eps), evaluate=False)))
        rule_steps.append(Step(
            ("Below 1 the numbers are spaced by half of epsilon, so with round-to-nearest-even "
             "the step 1 - delta rounds back to 1 exactly when delta is at most a quarter of "
             "epsilon:"),
            (f"checked in {name} arithmetic: ", 1 - eps_s / 4, " rounds to 1, and ",
             1 - eps_s / 4 * (1 + eps_s), " does not (with ", eps_s, " the format's epsilon)"),
            sympy.Le(sympy.Symbol("delta"), _pow2(eps / 4), evaluate=False),
            _lost_rule_holds(dtype, eps)))
        rule_steps.append(Step(
            ("The smallest subnormal number; a value below half of it rounds to zero."),
            ("the format's parameters as NumPy reports them"
             + (" (the ml-dtypes package for bfloat16)" if name == "bfloat16" else "")
             + "; the tie at half rounds to the even neighbour 0"),
            sympy.Eq(sympy.Symbol(f"tiny_{name}"), _pow2(tiny), evaluate=False)))
    return rule_steps, info


def _scan_steps(scan, formats: tuple[str, ...], info: dict, max_depth: int) -> list[Step]:
    """The depths at which the updates of the text's chain vanish, each checked."""
    w1 = Chain(2).weights[0]
    scan_steps = [Step(
        ("For the text's chain with every weight 1 and learning rate 1, the step of ", w1,
         " is minus the gradient, written ", sympy.Symbol("g_L"), " for depth ", L_, ":"),
        "gradient descent with learning rate 1",
        sympy.Eq(sympy.Derivative(sympy.Symbol("F"), w1), sympy.Symbol("g_L"), evaluate=False))]
    events = (("lost_update_true", "the exact step of the first weight, rounded once, gives it "
               "back unchanged",
               lambda eps, tiny: eps / 4),
              ("true_rounds_to_zero", "the exact gradient rounds to 0 in the format",
               lambda eps, tiny: tiny / 2))
    for name in formats:
        first = scan.format(name).first
        eps, tiny = info[name]
        for key, what, threshold in events:
            depth = first[key]
            if depth is None:
                scan_steps.append(Step(f"{name}: {what} at no depth up to {max_depth}.",
                                       "symgrad's depth scan (certified prefix products)"))
                continue
            thr = threshold(eps, tiny)
            ok, g = _crossing_checked(depth, thr)
            scan_steps.append(Step(
                (f"{name}: {what} from depth ", sympy.Integer(depth), " on; there the gradient "
                 "is ", _mid(g), "."),
                "first depth from symgrad's depth scan; checked by a full certified "
                "evaluation of the chains of this depth and the one before (Arb, 256 bits)",
                sympy.StrictLessThan(sympy.Symbol(f"g_{depth}"), _pow2(thr), evaluate=False),
                ok))
        computed = [(first["lost_update"], "the step computed in the format leaves the first "
                     "weight unchanged"),
                    (first["zero"], "the gradient computed in the format is exactly 0")]
        for depth, what in computed:
            scan_steps.append(Step(
                (f"{name}: {what} from depth ", sympy.Integer(depth), " on.") if depth else
                f"{name}: {what} at no depth up to {max_depth}.",
                "symgrad's depth scan: the recurrence in the format's arithmetic"))
    return scan_steps


def machine_epsilon_document(max_depth: int = SCAN_DEPTH, *,
                             formats: tuple[str, ...] = FORMATS, depths: bool = True) -> Document:
    """Machine epsilon, and where updates vanish (:mod:`symgrad.analysis.precision.scan`).

    ``formats``: the formats shown.  ``depths=False`` leaves out the depth scan of the
    text's chain (weights 1, learning rate 1): ``symgrad report`` shows its own scan,
    for its own weights and learning rate, instead.
    """
    from symgrad.analysis.precision.scan import scan_depths

    rule_steps, info = _rule_steps(formats)
    eps64 = _finfo("float64")[1]
    rules = Section("Machine epsilon and the rounding of small updates",
                    ("An update smaller than the spacing of the numbers near the weight cannot "
                     "be performed: the weight rounds back to itself. In float64 the spacing at "
                     "1 is ", _pow2(eps64), "."), tuple(rule_steps))
    note = ("The text says updates smaller than epsilon cannot be performed; for a weight "
            "equal to 1 and a descent step the exact limit is a quarter of epsilon (half of "
            "it for a step upwards).")
    if not depths:
        return Document("Machine epsilon and vanishing updates", (rules,),
                        "Machine epsilon and the rounding rule that makes updates vanish. All "
                        "numbers were computed when this document was built.", (note,))
    scan = scan_depths([Fraction(1)] * max_depth, lr=Fraction(1), formats=formats)
    scan_steps = _scan_steps(scan, formats, info, max_depth)
    intro = ("Machine epsilon, the rounding rule that makes updates vanish, and the depths of "
             "the text's sigmoid chain at which they vanish. All numbers were computed when "
             "this document was built.")
    return Document("Machine epsilon and vanishing updates", (
        rules,
        Section("Depths at which the updates vanish",
                "The exact gradient shrinks geometrically with the depth (see the bound of the "
                "gradient document). The depths come from the precision lab's depth scan "
                "of the depths 1 to " + str(max_depth) + ".",
                tuple(scan_steps)),
    ), intro, (note,))
