"""The data the report is made of: options, the shared context, sections.

A report is a list of :class:`Section` objects, each with its HTML, the files
it contributes (``reference.json``, ``scan.svg``, ...), and what it had to
leave out (:class:`LeftOut`: what, why, and how to add it).  Nothing is
written while sections are built; :mod:`symgrad.interfaces.report.build` writes all files
at the end, each atomically.

>>> opts = ReportOptions()
>>> opts.depth, opts.weights, opts.activation, opts.lr, opts.scan_depth
(40, '1', 'sigmoid', '0.1', 1100)
>>> LeftOut("plots", "matplotlib is not installed", "pip install 'symgrad[plot]'").text()
"plots left out: matplotlib is not installed. To add: pip install 'symgrad[plot]'"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from symgrad.core.chain import Chain

__all__ = ["DEFAULT_BACKENDS", "Context", "LeftOut", "ReportOptions", "Section"]

#: Automatic-differentiation backends compared in the verification section.
DEFAULT_BACKENDS = ("jax", "torch")


@dataclass(frozen=True)
class ReportOptions:
    """What the report is about.  The defaults tell the story of the seed text.

    * depth 40, all weights 1: dF/dw_1 is about 4e-26, far below float64's
      epsilon, for the derivation, the reference values and the formats;
    * a depth scan to 1100 with learning rate 0.1: in float64 the update
      ``w_1 - 0.1*dF/dw_1`` is lost (rounds back to w_1) from depth ~25 on, and
      dF/dw_1 underflows to 0 near depth 500.
    """

    depth: int = 40
    weights: str = "1"
    activation: str = "sigmoid"
    formats: tuple[str, ...] | None = None  # None: every format the precision lab knows
    backends: tuple[str, ...] = DEFAULT_BACKENDS
    lr: str = "0.1"
    scan_depth: int = 1100
    digits: int = 30

    def describe(self) -> str:
        """One line for the page header."""
        return (
            f"The chain o_1 = w_1, o_i = {self.activation}(w_i o_(i-1)), F = o_L of depth "
            f"L = {self.depth} with weights {self.weights}; depth scan to {self.scan_depth} "
            f"with learning rate {self.lr}."
        )


@dataclass(frozen=True)
class LeftOut:
    """A part of the report that could not be produced, and how to add it."""

    what: str
    reason: str
    fix: str

    def text(self) -> str:
        return f"{self.what} left out: {self.reason}. To add: {self.fix}"


@dataclass
class Section:
    """One section of the page, plus the files it contributes."""

    anchor: str
    title: str
    html: str = ""
    left_out: list[LeftOut] = field(default_factory=list)
    files: dict[str, str | bytes] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) key figures


@dataclass
class Context:
    """Everything several sections share, computed once (lazily)."""

    options: ReportOptions
    chain: Chain
    weights: tuple[Fraction, ...]
    cache: dict[str, object] = field(default_factory=dict)

    @cached_property
    def derivation(self):
        from symgrad.core.derive import derive_layerwise

        return derive_layerwise(self.chain)

    @cached_property
    def reference(self):
        """mpmath values to ``options.digits`` correct digits (confirmed twice)."""
        from symgrad.numeric.certified import reference_values

        return reference_values(self.chain, self.weights, digits=self.options.digits)
