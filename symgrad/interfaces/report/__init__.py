"""``symgrad report``: the whole story of the text as one self-contained page.

:func:`build_report` computes every section in memory (derivation,
verification, reference values, formats, depth scan, f_c, stationary points,
LaTeX/PDF); :meth:`Report.write` writes the folder, every file atomically.
A :class:`Report` renders itself in Jupyter (``_repr_html_``).

>>> rep = build_report(ReportOptions(depth=3, scan_depth=30), steps=("derivation",))
>>> rep.sections[0].title
'Derivation'
"""

from symgrad.interfaces.report.build import (
    MARKER,
    STEPS,
    Report,
    build_report,
    check_folder,
    prepare_folder,
)
from symgrad.interfaces.report.model import LeftOut, ReportOptions, Section
from symgrad.present.mathml import to_mathml

__all__ = [
    "MARKER",
    "STEPS",
    "LeftOut",
    "Report",
    "ReportOptions",
    "Section",
    "build_report",
    "check_folder",
    "prepare_folder",
    "to_mathml",
]
