"""``symgrad.formats``: one partial derivative in float64 ... bfloat16 beside its true value.

The Python side of ``symgrad formats``: dF/dw_k computed by the plain recurrence in each
binary format (:func:`symgrad.analysis.precision.formats_table`) beside the certified
value; with ``small_gradient=True`` the text's f_c(x) = max(0, c x) example instead
(:func:`symgrad.analysis.precision.small_gradient_example`).  Weights as in
:func:`symgrad.reference` (floats exactly, numpy arrays, decimal strings, a SPEC).

>>> t = formats(30, 1, formats="float64,float16")
>>> [(r["format"], r["status"]) for r in t.to_json()["formats"]]
[('float64', 'normal'), ('float16', 'zero')]
>>> formats(small_gradient=True).to_json()["exact"]
{'f_c(p)': '1e+9909', "f_c'(p)": '1e-90'}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from symgrad.analysis.precision import FormatsTable, SmallGradient, formats_table
from symgrad.base.errors import InputError
from symgrad.core.chain import Chain
from symgrad.core.text import C_TEXT, P_TEXT
from symgrad.interfaces.api._values import (
    chain_json,
    input_errors,
    layer_list,
    make_chain,
    whole_number,
)
from symgrad.interfaces.api.result import Result
from symgrad.numeric.formats import parse_formats
from symgrad.numeric.inputs import exact_number
from symgrad.numeric.reference import chain_point
from symgrad.present.numbers import fraction_text
from symgrad.present.tables import text_table

if TYPE_CHECKING:  # pragma: no cover
    from symgrad.interfaces.api.network_formats import NetworkFormatsResult

__all__ = ["ALL_FORMATS", "FormatsResult", "SmallGradientResult", "formats"]

#: the default of ``formats`` (and of ``--formats``): every binary format
ALL_FORMATS = "float64,float32,float16,bfloat16"


@dataclass(frozen=True, repr=False)
class FormatsResult(Result):
    """dF/dw_k in each format beside its certified value (``table`` holds every number)."""

    SCHEMA = "symgrad.formats/2"
    FORMATS = ("text", "json")

    table: FormatsTable
    digits: int

    @property
    def chain(self) -> Chain:
        return self.table.chain

    def json_body(self) -> dict:
        t = self.table
        true = t.true
        return {
            "chain": chain_json(t.chain),
            "wrt": t.wrt,
            "digits": self.digits,
            "quantity": {
                "name": t.quantity,
                "sympy": f"Derivative(F, w{t.wrt})",
                "latex": rf"\frac{{\partial F}}{{\partial w_{{{t.wrt}}}}}",
            },
            "true": {"ball": {"mid": true.mid, "rad": true.rad},
                     "certified_digits": true.digits},
            "formats": [r.to_json() for r in t.rows],
            "logspace": {
                "log10_abs_true": t.log10_true,
                "log10_abs_float64_logspace": t.log10_logspace,
                "abs_difference": t.logspace_difference,
            },
        }

    def to_text(self) -> str:
        return self.table.to_text()

    def summary(self) -> str:
        worst = ", ".join(f"{r.format} {r.status}" for r in self.table.rows)
        return f"{self.table.quantity} of the {self.chain.describe()}: {worst}"


def _plain(expr) -> str:
    """A SymPy expression of the example in plain notation: max(0, c·x), c·Heaviside(c·x)."""
    return str(expr).replace("Max(", "max(").replace("*", "·")


@dataclass(frozen=True, repr=False)
class SmallGradientResult(Result):
    """The text's f_c(x) = max(0, c x) at x = p: exactly and in each format."""

    SCHEMA = "symgrad.small_gradient/1"
    FORMATS = ("text", "json")

    example: SmallGradient

    def json_body(self) -> dict:
        doc = self.example.to_json()
        doc.pop("schema", None)
        return doc

    def to_text(self) -> str:
        ex = self.example
        header = ["format", "p", "c", "f_c(p)", "f_c'(p)"]
        rows = [["exact", fraction_text(ex.p), fraction_text(ex.c), ex.exact_value,
                 ex.exact_derivative]]
        rows += [[r.format, f"{r.p} ({r.status_p})", f"{r.c} ({r.status_c})",
                  f"{r.value} ({r.status_value})", f"{r.derivative} ({r.status_derivative})"]
                 for r in ex.rows]
        return (f"f_c(x) = {_plain(ex.function)},  f_c'(x) = {_plain(ex.derivative)}  "
                f"(c = {fraction_text(ex.c)}, p = {fraction_text(ex.p)})\n\n"
                + text_table(header, rows) + "\n")

    def summary(self) -> str:
        ex = self.example
        return (f"f_c(p) = {ex.exact_value}, f_c'(p) = {ex.exact_derivative} "
                f"(c = {fraction_text(ex.c)}, p = {fraction_text(ex.p)})")


def _small_gradient(c: object, p: object, names: tuple[str, ...]) -> SmallGradientResult:
    from symgrad.analysis.precision import small_gradient_example

    cv, pv = exact_number(c, what="c"), exact_number(p, what="p")
    return SmallGradientResult(small_gradient_example(cv, pv, formats=names))


def formats(depth_or_chain: int | Chain | None = None, weights: object = None, *,
            activation: str = "sigmoid", form: str = "seed", bias: bool = False,
            biases: object = None, x: object = None, formats: str = ALL_FORMATS,
            wrt: object = 1, digits: int = 20, small_gradient: bool = False,
            c: object = C_TEXT, p: object = P_TEXT, network: object = None,
            lr: object = "0.1", all_entries: bool = False, plot: object = None
            ) -> FormatsResult | SmallGradientResult | NetworkFormatsResult:
    """dF/dw_``wrt`` in each of ``formats`` beside the certified value (``digits`` digits).

    ``formats`` is a comma list or a sequence of float64, float32, float16, bfloat16.
    With ``small_gradient=True`` the text's f_c example at ``c`` and ``p`` (exact numbers;
    the defaults are the text's 1e-90 and 1e9999) instead of a chain.
    ``network`` (a network file, a dict of its keys or a spec) instead of a chain gives
    every gradient entry in each format with the lost-update test at ``lr``, the full
    entry table in the text with ``all_entries`` and the per-layer profile drawn to
    ``plot`` (a .png or .svg path): a
    :class:`~symgrad.interfaces.api.network_formats.NetworkFormatsResult`.

    >>> formats(3, [0.5, 1.0, 2.0], formats="float64").table.rows[0].status
    'normal'
    """
    if network is not None:
        given = [n for n, v in (("a depth", depth_or_chain), ("weights", weights),
                                ("biases", biases), ("x", x)) if v is not None]
        if small_gradient is True:
            given.append("small_gradient")
        if given or wrt != 1:
            raise InputError(f"network and {(given or ['wrt'])[0]} were both given: the "
                             "network file holds the weights and data, and every entry "
                             "is compared", hint="pass either a network or a chain")
        from symgrad.interfaces.api.network_formats import network_formats

        return network_formats(network, formats=formats, lr=lr, digits=digits,
                               all_entries=all_entries, plot=plot)
    if all_entries is not False or plot is not None or lr != "0.1":
        raise InputError("lr, all_entries and plot apply to a network",
                         hint="pass network='net.toml' (or --network FILE)")
    with input_errors():
        names = parse_formats(formats)
        if not isinstance(small_gradient, bool):
            raise InputError(f"small_gradient must be True or False, got {small_gradient!r}")
        if small_gradient:
            return _small_gradient(c, p, names)
        if depth_or_chain is None or weights is None:
            raise InputError("formats needs --depth and --weights",
                             hint="e.g. --depth 1000 --weights 1, or use --small-gradient")
        chain = make_chain(depth_or_chain, activation, form, bias)
        d = whole_number(digits, what="--digits", lo=1, hi=1000, example="--digits 20")
        ks = layer_list(wrt, chain.depth)
        if len(ks) != 1:
            raise InputError("formats compares one partial derivative at a time",
                             hint="give one --wrt K")
        w, b, xv = chain_point(chain, weights, biases, x)
        table = formats_table(chain, w, formats=names, wrt=ks[0], digits=d, biases=b, x=xv)
        return FormatsResult(table, d)
