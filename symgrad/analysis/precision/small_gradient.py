"""The text's small-gradient example: f_c(x) = max(0, c x) far from its minimum.

With c = 10^-90 and p = 10^9999 the text shows that a tiny gradient does not
mean "close to the optimum": f_c(p) is huge while f_c'(p) = c is tiny.
:func:`small_gradient_example` derives f_c' with SymPy, evaluates f_c(p) and
f_c'(p) exactly (rational arithmetic, any size), and beside them computes the
same in each binary format, where p itself overflows to inf and c may
underflow to 0 (then c*p = 0*inf = nan).

In a format the derivative is computed the way autodiff does it:
f_c'(x) = c * [c x > 0].  SymPy is imported only when the example is built (and its
JSON printed), so :mod:`symgrad.analysis.precision` loads no SymPy.

>>> ex = small_gradient_example()
>>> ex.exact_value, ex.exact_derivative
('1e+9909', '1e-90')
>>> [(r.format, r.p, r.derivative) for r in ex.rows][:2]
[('float64', 'inf', '1e-90'), ('float32', 'inf', '0')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from symgrad.base.errors import SymgradError
from symgrad.core.text import C_TEXT, P_TEXT
from symgrad.numeric.formats import classify, format_info, parse_formats, round_to_format
from symgrad.numeric.weights import parse_number
from symgrad.present.numbers import fraction_text, scalar_text
from symgrad.present.tables import html_table, text_table

if TYPE_CHECKING:
    import sympy

__all__ = ["SmallGradient", "SmallGradientRow", "small_gradient_example"]


@dataclass(frozen=True)
class SmallGradientRow:
    """p, c, f_c(p) and f_c'(p) computed in one format, with statuses."""

    format: str
    p: str
    c: str
    value: str
    derivative: str
    status_p: str
    status_c: str
    status_value: str
    status_derivative: str

    def to_json(self) -> dict[str, str]:
        return {
            "format": self.format,
            "p": self.p,
            "c": self.c,
            "f_c(p)": self.value,
            "f_c'(p)": self.derivative,
            "status_p": self.status_p,
            "status_c": self.status_c,
            "status_f_c(p)": self.status_value,
            "status_f_c'(p)": self.status_derivative,
        }


@dataclass(frozen=True)
class SmallGradient:
    """The example: exact values and each format's values."""

    c: Fraction
    p: Fraction
    function: sympy.Expr
    derivative: sympy.Expr
    exact_value: str
    exact_derivative: str
    rows: tuple[SmallGradientRow, ...]

    def to_json(self) -> dict[str, object]:
        from symgrad.present.latex import latex  # SymPy's printer: only on this path

        return {
            "schema": "symgrad.small_gradient/1",
            "function": {"sympy": str(self.function), "latex": latex(self.function)},
            "derivative": {"sympy": str(self.derivative), "latex": latex(self.derivative)},
            "c": fraction_text(self.c),
            "p": fraction_text(self.p),
            "exact": {"f_c(p)": self.exact_value, "f_c'(p)": self.exact_derivative},
            "formats": [r.to_json() for r in self.rows],
        }

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        header = ["format", "p", "c", "f_c(p)", "f_c'(p)"]
        rows = [["exact", fraction_text(self.p), fraction_text(self.c), self.exact_value,
                 self.exact_derivative]]
        rows += [[r.format, f"{r.p} ({r.status_p})", f"{r.c} ({r.status_c})",
                  f"{r.value} ({r.status_value})", f"{r.derivative} ({r.status_derivative})"]
                 for r in self.rows]
        return header, rows

    def to_text(self) -> str:
        header, rows = self._cells()
        return (
            f"f_c(x) = {self.function},  f_c'(x) = {self.derivative}  "
            f"(c = {fraction_text(self.c)}, p = {fraction_text(self.p)})\n\n"
            + text_table(header, rows) + "\n"
        )

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import clip, summary

        return summary("SmallGradient", [f"c = {clip(fraction_text(self.c), 40)}",
                                         f"p = {clip(fraction_text(self.p), 40)}",
                                         f"f_c(p) = {clip(self.exact_value, 40)}",
                                         f"{len(self.rows)} formats"], ".to_json()")

    def _repr_html_(self) -> str:
        header, rows = self._cells()
        return html_table(header, rows, caption="f_c(x) = max(0, c x) at x = p")


def _in_format(c: Fraction, p: Fraction, name: str) -> SmallGradientRow:
    cf, pf = round_to_format(c, name), round_to_format(p, name)
    dtype = format_info(name).dtype
    with np.errstate(all="ignore"):
        z = cf * pf
        value = np.maximum(dtype(0.0), z)
        derivative = cf * dtype(1.0 if z > dtype(0.0) else 0.0)
    return SmallGradientRow(
        format=name,
        p=scalar_text(pf, name),
        c=scalar_text(cf, name),
        value=scalar_text(value, name),
        derivative=scalar_text(derivative, name),
        status_p=classify(pf, name),
        status_c=classify(cf, name),
        status_value=classify(value, name),
        status_derivative=classify(derivative, name),
    )


def small_gradient_example(c: str | Fraction = C_TEXT, p: str | Fraction = P_TEXT, *,
                           formats: Sequence[str] | str | None = None) -> SmallGradient:
    """f_c(p) and f_c'(p) exactly and in each format (defaults: the text's c and p)."""
    import sympy  # the symbolic derivative: SymPy only on this path

    cv = c if isinstance(c, Fraction) else parse_number(c, what="c")
    pv = p if isinstance(p, Fraction) else parse_number(p, what="p")
    if cv <= 0:
        raise SymgradError("c must be > 0 (the text's f_c has c > 0)", hint=f"e.g. --c {C_TEXT}")
    if pv == 0:
        raise SymgradError("f_c is not differentiable at p = 0 (its kink)", hint="choose p != 0")
    names = parse_formats(formats)
    x, c_sym = sympy.Symbol("x", real=True), sympy.Symbol("c", positive=True)
    f = sympy.Max(0, c_sym * x)
    df = sympy.diff(f, x)
    subs = {c_sym: sympy.Rational(cv.numerator, cv.denominator),
            x: sympy.Rational(pv.numerator, pv.denominator)}
    fv, dv = f.subs(subs), df.subs(subs)  # exact Rationals (p != 0)
    return SmallGradient(
        c=cv, p=pv, function=f, derivative=df,
        exact_value=fraction_text(Fraction(int(fv.p), int(fv.q))),
        exact_derivative=fraction_text(Fraction(int(dv.p), int(dv.q))),
        rows=tuple(_in_format(cv, pv, name) for name in names),
    )
