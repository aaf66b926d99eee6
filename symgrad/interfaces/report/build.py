"""Build the report (all sections, in memory), then write it (every file atomically).

:func:`build_report` computes every section; nothing touches the disk until
:meth:`Report.write`, which

* refuses an existing folder that is not empty and not a previous report
  (recognised by the marker file ``.symgrad-report``) unless ``force=True``;
* writes the marker first, then every file through
  :func:`symgrad.base.output.write_atomic` (temporary name + rename: an interrupt
  never leaves a half-written file);
* removes files of a previous report in that folder that this report no
  longer produces (only names listed in the previous marker).

>>> rep = build_report(ReportOptions(depth=3, scan_depth=40), steps=("derivation",))
>>> [s.anchor for s in rep.sections]
['derivation']
>>> "<math" in rep._repr_html_()
True
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from symgrad.base.errors import SymgradError
from symgrad.base.interrupts import checkpoint
from symgrad.base.output import dumps_json, ensure_writable_dir, write_atomic
from symgrad.core.chain import Chain, validate_depth
from symgrad.interfaces.report import descent, latexpdf, numerics, stationary, verification
from symgrad.interfaces.report import sections as symbolic
from symgrad.interfaces.report.model import Context, LeftOut, ReportOptions, Section, Step
from symgrad.interfaces.report.page import TITLE, command_line, page_parts
from symgrad.numeric.weights import parse_number, parse_weights
from symgrad.present import html
from symgrad.present.progress import task_progress

__all__ = ["FILE_DESCRIPTIONS", "MARKER", "MAX_SCAN_DEPTH", "SECTIONS", "STEPS", "TITLE", "Report",
           "build_report", "check_folder", "command_line", "page_parts", "prepare_folder"]

#: the title of the page and of report.tex

#: marker file that identifies a folder written by `symgrad report`
MARKER = ".symgrad-report"
#: the largest depth scan the report runs
MAX_SCAN_DEPTH = 100_000
#: what each file of the report folder holds (listed at the end of the page)
FILE_DESCRIPTIONS = {
    "index.html": "this page (self-contained: MathML, inline SVG, no network needed)",
    "reference.json": "F and every dF/dw_k (the schema of symgrad reference --format json)",
    "report.pdf": "report.tex compiled with pdflatex",
    "report.tex": "this page (the same numbers, tables and verdicts) and the derivations in "
                  "full, as one standalone LaTeX document",
    "scan.json": "the depth scan (the schema of symgrad scan --format json)",
    "scan.png": "the depth-scan plot (PNG)",
    "scan.svg": "the depth-scan plot (SVG)",
}


#: step name -> the builder of its section, in page order
SECTIONS: dict[str, Step] = {
    "derivation": symbolic.derivation_section,
    "verification": verification.verification_section,
    "reference": symbolic.reference_section,
    "formats": numerics.formats_section,
    "scan": numerics.scan_section,
    "small_gradient": numerics.small_gradient_section,
    "descent": descent.descent_section,
    "stationary": stationary.stationary_section,
    "latex": latexpdf.latex_section,
}
#: every step, in page order
STEPS = tuple(SECTIONS)


class Report:
    """A built report: sections and files, not yet written."""

    def __init__(self, options: ReportOptions, chain: Chain, sections: list[Section],
                 timings: dict[str, float]) -> None:
        self.options = options
        self.chain = chain
        self.sections = sections
        self.timings = timings  # seconds per step (not on the page: the page is deterministic)

    def __repr__(self) -> str:
        names = ", ".join(s.anchor for s in self.sections)
        return f"Report({self.chain.describe()}; sections: {names})"

    @property
    def left_out(self) -> list[LeftOut]:
        return [lo for s in self.sections for lo in s.left_out]

    @property
    def files(self) -> dict[str, str | bytes]:
        """Every output file name -> content (``index.html`` included)."""
        out: dict[str, str | bytes] = {}
        for s in self.sections:
            out.update(s.files)
        out["index.html"] = self.page_html()
        return dict(sorted(out.items()))

    def _body(self) -> str:
        parts = page_parts(self.sections)
        names = sorted({n for s in self.sections for n in s.files} | {"index.html"})
        rows = [[html.link(n, n), FILE_DESCRIPTIONS.get(n, "")] for n in names]
        parts.append('<section id="files"><h2>Files of this report</h2>'
                     f"{html.table(['file', 'contents'], rows)}</section>")
        return "\n".join(parts)

    def _toc(self) -> list[tuple[str, str]]:
        toc = [("summary", "At a glance")] if any(s.facts for s in self.sections) else []
        if self.left_out:
            toc.append(("left-out", "Left out of this report"))
        return [*toc, *[(s.anchor, s.title) for s in self.sections if s.html],
                ("files", "Files of this report")]

    def page_html(self) -> str:
        """The self-contained ``index.html``."""
        from symgrad.base.version import __version__

        return html.page(
            title=TITLE,
            lead=self.options.describe(),
            toc=self._toc(),
            body_html=self._body(),
            footer=f"symgrad {__version__}: symgrad report {' '.join(self.command_line())}",
        )

    def command_line(self) -> list[str]:
        """The options of ``symgrad report`` that reproduce this report."""
        return command_line(self.options)

    def _repr_html_(self) -> str:
        """The report in a Jupyter notebook: the page body with its styles, every rule scoped
        to the report's own ``<div class="symgrad-report">`` (the notebook keeps its look)."""
        return html.scoped(self._body())

    def write(self, out: str | Path, *, force: bool = False) -> list[Path]:
        """Write every file into ``out`` (see the module docstring); returns the paths."""
        folder = prepare_folder(out, force=force)
        files = self.files
        old = _previous_files(folder)
        write_atomic(folder / MARKER, dumps_json({"schema": "symgrad.report-marker/1",
                                                  "files": sorted(files)}))
        # the page last: once index.html is there, everything it refers to is too
        order = sorted(files, key=lambda n: (n == "index.html", n))
        written = []
        for name in order:
            checkpoint()
            written.append(write_atomic(folder / name, files[name]))
        for name in sorted(set(old) - set(files)):
            stale = folder / name
            if stale.is_file():
                stale.unlink()
        return written


def _previous_files(folder: Path) -> list[str]:
    """File names listed by a previous report's marker (plain names only)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        names = data.get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [n for n in names if isinstance(n, str) and n and "/" not in n and "\\" not in n
            and n not in (".", "..", MARKER)]


def check_folder(out: str | Path, *, force: bool = False) -> Path:
    """Refuse a file, or a foreign non-empty folder unless ``force`` (creates nothing)."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise SymgradError(f"--out {folder} is a file, not a folder", hint="choose a folder path")
    if folder.is_dir():
        try:
            entries = list(folder.iterdir())
        except OSError as exc:
            raise SymgradError(f"cannot read folder {folder}: {exc.strerror}",
                               hint="choose a readable --out") from None
        if entries and not (folder / MARKER).is_file() and not force:
            raise SymgradError(
                f"folder {folder} exists and is not a previous symgrad report",
                hint="choose another --out, or pass --force to write into it")
    else:  # it will be created: its nearest existing ancestor must be a writable folder
        parent = next((p for p in folder.absolute().parents if p.exists()), None)
        if parent is None or not parent.is_dir():
            raise SymgradError(f"cannot create folder {folder}: {parent} is not a folder",
                               hint="choose another --out")
        if not os.access(parent, os.W_OK):
            raise SymgradError(f"cannot create folder {folder}: {parent} is not writable",
                               hint="choose a writable --out")
    return folder


def prepare_folder(out: str | Path, *, force: bool = False) -> Path:
    """:func:`check_folder`, then create the folder if needed and check it is writable."""
    return ensure_writable_dir(check_folder(out, force=force))


def _validate(options: ReportOptions) -> tuple[Chain, tuple]:
    chain = Chain(options.depth, activation=options.activation)
    weights = parse_weights(options.weights, chain.depth)
    lr = parse_number(options.lr, what="--lr")
    if lr <= 0:
        raise SymgradError(f"--lr must be > 0, got {options.lr}", hint="e.g. --lr 0.1")
    validate_depth(options.scan_depth, cap=MAX_SCAN_DEPTH, name="scan-depth")
    return chain, weights


def build_report(options: ReportOptions | None = None, *, quiet: bool = True,
                 steps: Sequence[str] = STEPS) -> Report:
    """Compute every section of the report (nothing is written to disk)."""
    options = options or ReportOptions()
    chain, weights = _validate(options)
    unknown = [s for s in steps if s not in SECTIONS]
    if unknown:
        raise SymgradError(f"unknown report step {unknown[0]!r}", hint=f"use {', '.join(STEPS)}")
    ctx = Context(options, chain, weights, steps=SECTIONS)
    sections: list[Section] = []
    timings: dict[str, float] = {}
    with task_progress("symgrad report", total=len(steps), quiet=quiet) as bar:
        for name in steps:
            checkpoint()  # a Ctrl-C swallowed inside a C callback still stops here
            bar.describe(f"report: {name}")
            start = time.perf_counter()
            sections.append(ctx.section(name))
            timings[name] = time.perf_counter() - start
            bar.advance()
    return Report(options, chain, sections, timings)
