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

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from symgrad.core import text
from symgrad.core.chain import Chain

__all__ = ["DEFAULT_BACKENDS", "Context", "LeftOut", "ReportOptions", "Section", "Step"]

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

    depth: int = text.DEPTH
    weights: str = text.WEIGHTS
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


#: a report step: it builds one section from the context
Step = Callable[["Context"], Section]


@dataclass
class Context:
    """What the sections share: typed fields, each computed once and only when first read.

    No section depends on another having run first: a field is computed by
    whichever section reads it first, and :meth:`section` builds a section
    (once) for the section that shows it (``report.tex`` shows every page
    section), so building a subset of the steps gives the same sections as a
    full build.

    >>> from symgrad.core.chain import Chain
    >>> ctx = Context(ReportOptions(depth=3), Chain(3), (Fraction(1),) * 3)
    >>> str(ctx.bound)
    '1/16'
    """

    options: ReportOptions
    chain: Chain
    weights: tuple[Fraction, ...]
    #: step name -> builder, in page order (set by :func:`~symgrad.interfaces.report.build_report`)
    steps: dict[str, Step] = field(default_factory=dict)
    built: dict[str, Section] = field(default_factory=dict, repr=False)

    def section(self, name: str) -> Section:
        """The section of step ``name``, built on first use."""
        if name not in self.built:
            self.built[name] = self.steps[name](self)
        return self.built[name]

    @cached_property
    def derivation(self):
        """The layer-wise derivation of the report's chain (:func:`derive_layerwise`)."""
        from symgrad.core.derive import derive_layerwise

        return derive_layerwise(self.chain)

    @cached_property
    def proof(self):
        """The induction proof of the closed form of dF/dw_1 for every depth."""
        from symgrad.core.induction import prove_closed_form

        return prove_closed_form(self.chain.activation, k=1)

    @cached_property
    def bound(self):
        """The bound on |dF/dw_1| at the report's weights, exactly (a SymPy Rational)."""
        import sympy

        from symgrad.core.bounds import gradient_bound

        b = gradient_bound(self.chain, 1)
        subs = {w: sympy.Rational(v.numerator, v.denominator)
                for w, v in zip(self.chain.weights, self.weights, strict=True)}
        return sympy.Rational(b.expression.xreplace(subs))

    @cached_property
    def certified(self):
        """Certified values (python-flint balls) of F and every dF/dw_k."""
        from symgrad.numeric.certified import certified_values

        return certified_values(self.chain, self.weights, digits=self.options.digits)

    @cached_property
    def reference(self):
        """mpmath values to ``options.digits`` correct digits (confirmed twice)."""
        from symgrad.numeric.reference import reference_values

        return reference_values(self.chain, self.weights, digits=self.options.digits)

    @cached_property
    def formats(self) -> tuple[str, ...]:
        """The report's binary formats (``options.formats``, default every format)."""
        from symgrad.numeric.formats import parse_formats

        return tuple(parse_formats(self.options.formats))

    @cached_property
    def small_gradient(self):
        """The text's f_c example in the report's formats (the page and report.tex show it)."""
        from symgrad.analysis.precision import small_gradient_example

        return small_gradient_example(formats=self.formats)
