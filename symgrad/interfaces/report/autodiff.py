"""Rows of the verification table from the autodiff frameworks (jax, torch).

Each (framework, format) pair runs :func:`symgrad.analysis.verify.autodiff.compare_gradient`
(the framework's gradient against certified values, with the tolerance model
of :mod:`symgrad.analysis.verify.tolerance`): PASS, FAIL, or NOT CHECKABLE with the reason
(tolerance >= 1/2, or every value underflowed) - the words of ``symgrad verify``.
For float16 and bfloat16 a second row runs
:func:`symgrad.analysis.verify.emulation_check.compare_emulation` (the framework's values
against symgrad's emulation of its own operations in that format, 0 ulps), a
check that can fail where the tolerance model has nothing left to check.  A
framework that is not installed gives a :class:`~symgrad.interfaces.report.model.LeftOut`
with its install command; so does a chain deeper than :data:`AUTODIFF_MAX_DEPTH`.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> from symgrad.interfaces.report.model import Context, ReportOptions
>>> ctx = Context(ReportOptions(depth=2, backends=()), Chain(2), (Fraction(1),) * 2)
>>> autodiff_rows(ctx)
([], [])
"""

from __future__ import annotations

from symgrad.base.errors import MissingExtraError
from symgrad.interfaces.report.model import Context, LeftOut
from symgrad.interfaces.report.optional import from_missing_extra, load
from symgrad.interfaces.report.verification import Row

__all__ = ["AUTODIFF_MAX_DEPTH", "autodiff_rows"]

#: deeper chains skip the framework checks (each takes minutes at depth 10^5)
AUTODIFF_MAX_DEPTH = 10_000


def autodiff_rows(ctx: Context) -> tuple[list[Row], list[LeftOut]]:
    """One row per (framework, format); notes for frameworks that are missing."""
    if not ctx.options.backends:
        return [], []
    if ctx.chain.depth > AUTODIFF_MAX_DEPTH:
        return [], [LeftOut(
            "the jax/torch checks",
            f"depth {ctx.chain.depth} is above {AUTODIFF_MAX_DEPTH} (they would take minutes)",
            f"symgrad verify --depths {ctx.chain.depth}, or --depth {AUTODIFF_MAX_DEPTH} or less")]
    verify, missing = load("symgrad.analysis.verify.autodiff", what="the jax/torch checks")
    if verify is None:
        return [], [missing]
    from symgrad.numeric.numpy_backend import parse_formats

    formats = parse_formats(ctx.options.formats)
    rows: list[Row] = []
    notes: list[LeftOut] = []
    for backend in ctx.options.backends:
        what = f"the {backend} autodiff checks"
        try:
            verify.load_backend(backend)
        except MissingExtraError as exc:
            notes.append(from_missing_extra(exc, what))
            continue
        for fmt in formats:
            rows += _format_rows(verify, backend, ctx, fmt)
    return rows, notes


def _format_rows(verify, backend: str, ctx: Context, fmt: str) -> list[Row]:
    """The certified-value row of one (framework, format), and the emulation row."""
    from symgrad.analysis.verify.emulation import EMULATED_FORMATS
    from symgrad.analysis.verify.emulation_check import compare_emulation

    r = verify.load_backend(backend).gradient(ctx.chain, ctx.weights, fmt)
    check = verify.compare_gradient(backend, ctx.chain, ctx.weights, fmt, result=r)
    scope = check.summary()
    if check.reason:
        scope = f"{check.reason}; {scope}"
    rows = [Row(f"{backend}'s gradient in {fmt} agrees with the certified values, or "
                f"underflows only where {fmt} must",
                f"{backend} autodiff vs certified values (tolerance model)", scope,
                check.verdict)]
    if fmt in EMULATED_FORMATS:
        em = compare_emulation(backend, ctx.chain, ctx.weights, fmt, result=r)
        rows.append(Row(f"{backend}'s gradient in {fmt} is exactly what {fmt} arithmetic "
                        f"of {backend}'s own operations gives",
                        f"{backend} autodiff vs symgrad's {fmt} emulation (0 ulps)",
                        em.summary(), em.verdict))
    return rows
