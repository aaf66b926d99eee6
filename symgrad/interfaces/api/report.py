"""``symgrad.report``: the whole story of the text as one self-contained folder.

The Python side of ``symgrad report``: builds every section (derivation, checks,
reference values, formats, depth scan, plots) and writes ``index.html``, ``report.tex``,
``reference.json``, ``scan.json`` and the plots into ``out_dir``.  The result lists the
files written (``to_json()``: schema ``symgrad.report/1``) and what was left out, with
the command that adds it.  ``steps`` (Python only) builds a subset of the sections.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     r = report(pathlib.Path(tmp) / "rep", depth=2, backends=(), steps=("derivation",))
...     sorted(f["name"] for f in r.to_json()["files"])[:2]
['.symgrad-report', 'index.html']
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from symgrad.base.errors import InputError
from symgrad.core.activations import ACTIVATIONS
from symgrad.core.chain import MAX_DEPTH, validate_depth
from symgrad.interfaces.api.point import name_list
from symgrad.interfaces.api.result import Result
from symgrad.interfaces.report.build import (
    FILE_DESCRIPTIONS,
    MARKER,
    MAX_SCAN_DEPTH,
    STEPS,
    Report,
    build_report,
    check_folder,
)
from symgrad.interfaces.report.model import DEFAULT_BACKENDS, ReportOptions
from symgrad.numeric.inputs import exact_number, exact_weights

__all__ = ["ReportResult", "parse_backends", "report"]

_DEFAULTS = ReportOptions()


def parse_backends(spec: object) -> tuple[str, ...]:
    """``"jax,torch"`` (or a sequence) -> ``("jax", "torch")``; ``"none"`` or ``()`` -> ``()``.

    >>> parse_backends("torch, jax"), parse_backends("none"), parse_backends(())
    (('torch', 'jax'), (), ())
    """
    items = [s.lower() for s in name_list(spec, what="--backends")]
    if items == ["none"] or (not items and not isinstance(spec, str)):
        return ()
    out: list[str] = []
    for s in items:
        if s not in DEFAULT_BACKENDS:
            raise InputError(f"unknown backend '{s}'",
                             hint=f"choose from: {', '.join(DEFAULT_BACKENDS)}, or none")
        if s not in out:
            out.append(s)
    if not out:
        raise InputError("no backend given", hint="e.g. --backends jax,torch or none")
    return tuple(out)


@dataclass(frozen=True, repr=False)
class ReportResult(Result):
    """The built report (``report``) and the files written into ``out``."""

    SCHEMA = "symgrad.report/1"
    FORMATS = ("text", "json")

    report: Report
    out: Path
    paths: tuple[Path, ...]

    @property
    def index(self) -> Path:
        """The written ``index.html``."""
        return next(p for p in self.paths if p.name == "index.html")

    def json_body(self) -> dict:
        names = sorted([p.name for p in self.paths] + [MARKER])
        files = [{"name": n, "bytes": (self.out / n).stat().st_size,
                  "description": FILE_DESCRIPTIONS.get(n, "")} for n in names]
        return {"out": str(self.out), "index": str(self.index), "files": files,
                "left_out": [{"what": lo.what, "reason": lo.reason, "fix": lo.fix}
                             for lo in self.report.left_out],
                "command_line": self.report.command_line()}

    def to_text(self) -> str:
        lines = [f"wrote {len(self.paths)} files to {self.index.parent}/ (open {self.index})"]
        lines += [f"note: {lo.text()}" for lo in self.report.left_out]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        return f"report of the {self.report.chain.describe()} in {self.out}/"

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


def _fraction_text(q) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _options(depth, weights, activation, formats, backends, lr, scan_depth) -> ReportOptions:
    from symgrad.numeric.formats import parse_formats

    act = str(activation).strip().lower()
    if act not in ACTIVATIONS:
        raise InputError(f"unknown activation '{activation}'",
                         hint=f"choose from: {', '.join(sorted(ACTIVATIONS))}")
    lr_text = lr.strip() if isinstance(lr, str) else _fraction_text(exact_number(lr, what="--lr"))
    depth = validate_depth(depth, cap=MAX_DEPTH, name="depth")
    if not isinstance(weights, str):  # Python numbers: the exact values as a comma list
        weights = ",".join(_fraction_text(w) for w in exact_weights(weights, depth))
    return ReportOptions(
        depth=depth, weights=weights,
        activation=act, formats=None if formats is None else parse_formats(formats),
        backends=parse_backends(backends), lr=lr_text,
        scan_depth=validate_depth(scan_depth, cap=MAX_SCAN_DEPTH, name="scan-depth"))


def report(out_dir="symgrad-report", *, depth=_DEFAULTS.depth, weights=_DEFAULTS.weights,
           activation=_DEFAULTS.activation, formats=None, backends=DEFAULT_BACKENDS,
           lr=_DEFAULTS.lr, scan_depth=_DEFAULTS.scan_depth, open: bool = False,
           quiet: bool = False, force: bool = False, steps=STEPS) -> ReportResult:
    """Build the report and write it into ``out_dir`` (see the module docstring).

    ``force`` writes into an existing folder that is not a previous report; ``open`` opens
    ``index.html`` in a web browser (never in CI); ``quiet=True`` hides the progress bar.
    """
    options = _options(depth, weights, activation, formats, backends, lr, scan_depth)
    check_folder(out_dir, force=force)  # refuse early, before the work
    built = build_report(options, quiet=quiet, steps=tuple(steps))
    paths = tuple(built.write(out_dir, force=force))
    result = ReportResult(built, Path(out_dir), paths)
    if open:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            print("note: --open ignored in CI", file=sys.stderr)
        else:
            import webbrowser

            webbrowser.open(result.index.resolve().as_uri())
    return result
