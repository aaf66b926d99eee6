"""Regenerate the README's picture (docs/scan.png) and print its derivation snippet.

Run:  python docs/make_readme_assets.py

The picture is the depth-scan plot of the default report (seed sigmoid chain,
all weights 1, depths 1..1100, learning rate 0.1), drawn by
:mod:`symgrad.present.plotting`; the same scan gives the same bytes.  The snippet is
the derivation of dF/dw_1 for depth 3 and for every depth L, derived by
symgrad when the script runs, printed as Markdown for the README.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import sympy

from symgrad.analysis.precision import scan_depths
from symgrad.base.output import write_atomic
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise
from symgrad.core.induction import prove_closed_form
from symgrad.interfaces.report.model import ReportOptions
from symgrad.present.latex import latex
from symgrad.present.plotting import render_scan

HERE = Path(__file__).resolve().parent


def snippet() -> str:
    """A few lines of the derivation (LaTeX for GitHub's $$ math), derived now."""
    small = Chain(3)
    d = derive_layerwise(small)
    proof = prove_closed_form("sigmoid", k=1)
    partial = sympy.Derivative(sympy.Symbol("F"), small.weights[0])
    lines = [
        "$$" + latex(sympy.Eq(sympy.Symbol("F"), small.nested_expression())) + "$$",
        "$$" + latex(sympy.Eq(partial, d.partial(1), evaluate=False)) + "$$",
        "and for every depth $L$ (proved by induction, each step checked by SymPy"
        f"{'' if proof.verified else ' - NOT VERIFIED'}):",
        "$$" + latex(proof.claim) + "$$",
    ]
    return "\n\n".join(lines)


def main() -> None:
    opts = ReportOptions()
    scan = scan_depths([Fraction(opts.weights)] * opts.scan_depth, lr=Fraction(opts.lr))
    path = write_atomic(HERE / "scan.png", render_scan(scan, "png"))
    print(f"wrote {path}")
    print(snippet())


if __name__ == "__main__":
    main()
