"""Formats side by side: one partial derivative in float64 ... bfloat16 beside the true value.

For a chain and weights, :func:`formats_table` computes dF/dw_k by the plain
recurrence in each format (:mod:`symgrad.numeric.numpy_backend`, every
operation rounded to the format; the formats are :mod:`symgrad.numeric.formats`)
and compares it with the certified value (:mod:`symgrad.numeric.flint_backend`):
the computed value, its relative error, its error in ulps of that format, and its
status (normal, subnormal, zero, inf, nan).  It adds the float64 log-space value of log10|dF/dw_k|
(:mod:`symgrad.analysis.precision.logspace`), which stays accurate where the product
underflows.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> t = formats_table(Chain(30), [Fraction(1)] * 30, formats=("float64", "float16"))
>>> [(r.format, r.status) for r in t.rows]
[('float64', 'normal'), ('float16', 'zero')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import ctx

from symgrad.analysis.precision._common import exact_arb, log10_ball, rel_error, ulp_error
from symgrad.analysis.precision.logspace import log10_gradient
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import Ball, certified_values
from symgrad.numeric.formats import classify, format_info, parse_formats
from symgrad.numeric.numpy_backend import evaluate
from symgrad.present.numbers import ball_text, scalar_text
from symgrad.present.tables import html_table, text_table

__all__ = ["FormatRow", "FormatsTable", "formats_table"]


@dataclass(frozen=True)
class FormatRow:
    """One format's computed value and how far it is from the true value."""

    format: str
    value: str
    relative_error: str
    ulp_error: str
    status: str
    tiny: str
    smallest_subnormal: str

    def to_json(self) -> dict[str, str]:
        return {
            "format": self.format,
            "value": self.value,
            "relative_error": self.relative_error,
            "ulp_error": self.ulp_error,
            "status": self.status,
            "smallest_normal": self.tiny,
            "smallest_subnormal": self.smallest_subnormal,
        }


@dataclass(frozen=True)
class FormatsTable:
    """The comparison table; ``to_json()`` has a stable schema of strings."""

    chain: Chain
    wrt: int
    true: Ball
    rows: tuple[FormatRow, ...]
    log10_true: str
    log10_logspace: str
    logspace_difference: str

    @property
    def quantity(self) -> str:
        return f"dF/dw{self.wrt}"

    def to_json(self) -> dict[str, object]:
        return {
            "schema": "symgrad.formats/1",
            "chain": {
                "depth": str(self.chain.depth),
                "activation": self.chain.activation,
                "form": self.chain.form,
                "bias": str(self.chain.bias).lower(),
            },
            "quantity": {
                "name": self.quantity,
                "sympy": f"Derivative(F, w{self.wrt})",
                "latex": rf"\frac{{\partial F}}{{\partial w_{{{self.wrt}}}}}",
            },
            "true": self.true.to_json(),
            "formats": [r.to_json() for r in self.rows],
            "logspace": {
                "log10_abs_true": self.log10_true,
                "log10_abs_float64_logspace": self.log10_logspace,
                "abs_difference": self.logspace_difference,
            },
        }

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        header = ["format", "computed", "rel. error", "error (ulps)", "status"]
        rows = [[r.format, r.value, r.relative_error, r.ulp_error, r.status] for r in self.rows]
        return header, rows

    def to_text(self) -> str:
        header, rows = self._cells()
        lines = [
            f"{self.quantity} of the {self.chain.describe()}",
            f"true (certified): {self.true.mid} ± {self.true.rad} "
            f"({self.true.digits} certified digits)",
            "",
            text_table(header, rows),
            "",
            f"log-space float64: log10|{self.quantity}| = {self.log10_logspace}"
            f"  (true {self.log10_true}, difference {self.logspace_difference})",
        ]
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import clip, summary

        status = ", ".join(f"{r.format} {r.status}" for r in self.rows)
        return summary("FormatsTable", [f"{self.quantity} of the {self.chain.describe()}",
                                        f"true {self.true!r}", clip(status, 120)], ".to_json()")

    def _repr_html_(self) -> str:
        header, rows = self._cells()
        caption = (f"{self.quantity}, {self.chain.describe()}: true {self.true.mid} "
                   f"± {self.true.rad}")
        return html_table(header, rows, caption=caption)


def formats_table(chain: Chain, weights: Sequence[Fraction], *,
                  formats: Sequence[str] | str | None = None, wrt: int = 1, digits: int = 20,
                  biases: Sequence[Fraction] | None = None,
                  x: Fraction | None = None) -> FormatsTable:
    """Compare dF/dw_``wrt`` in each format with the certified value (see module doc)."""
    names = parse_formats(formats)
    if isinstance(wrt, bool) or not isinstance(wrt, int) or not 1 <= wrt <= chain.depth:
        raise SymgradError(
            f"--wrt must be a layer index in 1..{chain.depth}, got {wrt!r}", hint="e.g. --wrt 1"
        )
    cert = certified_values(chain, weights, digits=digits, biases=biases, x=x)
    true = cert.grad_w[wrt - 1]
    rows = []
    for name in names:
        info = format_info(name)
        v = evaluate(chain, weights, name, biases=biases, x=x).grad_w[wrt - 1]
        rows.append(FormatRow(
            format=name,
            value=scalar_text(v, name),
            relative_error=rel_error(v, true.arb, cert.prec),
            ulp_error=ulp_error(v, true.arb, info, cert.prec),
            status=classify(v, name),
            tiny=scalar_text(info.tiny, name),
            smallest_subnormal=scalar_text(info.smallest_subnormal, name),
        ))
    logs = log10_gradient(chain, weights, biases=biases, x=x)[wrt - 1]
    if true.arb.is_zero():
        log_true, log_fp, diff = "-inf", ("-inf" if logs == float("-inf") else repr(logs)), "0"
    else:
        lt = log10_ball(true.arb, cert.prec)
        log_true = ball_text(lt, 17)
        log_fp = scalar_text(logs, "float64")
        if logs == float("-inf"):
            diff = "inf"
        else:
            with ctx.workprec(cert.prec + 64):
                diff = ball_text(abs(lt - exact_arb(logs)), 2)
    return FormatsTable(chain, wrt, true, tuple(rows), log_true, log_fp, diff)

