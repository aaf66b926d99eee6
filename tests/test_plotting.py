"""Plots of the depth scan: file types, determinism, labels, atomic writes, missing extra."""

from __future__ import annotations

import sys
from fractions import Fraction

import pytest

from symgrad.analysis.precision import scan_depths
from symgrad.base.errors import MissingExtraError, SymgradError
from symgrad.interfaces.cli import main
from tests._require import require_module


@pytest.fixture(scope="module")
def scan():
    return scan_depths([Fraction(1)] * 120, lr=Fraction(1, 10))


def test_svg_is_deterministic_and_png_is_png(scan, tmp_path):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    from symgrad.present.plotting import plot_scan, render_scan

    a, b = render_scan(scan, "svg"), render_scan(scan, "svg")
    assert a == b and a.startswith(b"<?xml")
    plot_scan(scan, tmp_path / "s.svg")
    assert (tmp_path / "s.svg").read_bytes() == a
    plot_scan(scan, tmp_path / "s.png")
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_labels_legend_and_lines(scan):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    import math

    from symgrad.numeric.formats import format_info
    from symgrad.present.plotting import scan_figure

    ax = scan_figure(scan).axes[0]
    assert "depth" in ax.get_xlabel() and "log_{10}" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for name in ("float64", "float32", "float16", "bfloat16"):
        assert any(lab.startswith(f"{name} computed") for lab in labels)
    assert any("true" in lab for lab in labels) and any("lost" in lab for lab in labels)
    # every format's smallest normal and subnormal drawn as horizontal lines
    levels = {round(line.get_ydata()[0], 9) for line in ax.get_lines()
              if len(set(line.get_ydata())) == 1}
    for name in ("float64", "float32", "float16", "bfloat16"):
        info = format_info(name)
        assert round(math.log10(float(info.tiny)), 9) in levels
        assert round(math.log10(float(info.smallest_subnormal)), 9) in levels


def test_bad_paths_leave_no_file(scan, tmp_path):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    from symgrad.present.plotting import plot_scan

    with pytest.raises(SymgradError, match=r"\.png or \.svg"):
        plot_scan(scan, tmp_path / "s.pdf")
    with pytest.raises(SymgradError, match="does not exist"):
        plot_scan(scan, tmp_path / "missing" / "s.svg")
    assert list(tmp_path.iterdir()) == []


def test_missing_matplotlib_is_a_clear_error(scan, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    from symgrad.present.plotting import render_scan

    with pytest.raises(MissingExtraError, match=r"symgrad\[plot\]"):
        render_scan(scan, "svg")


def test_cli_plot(tmp_path, capsys):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    out = tmp_path / "scan.svg"
    assert main(["scan", "--max-depth", "60", "--weights", "1", "--plot", str(out)]) == 0
    assert out.read_bytes().startswith(b"<?xml")
    assert "plot written to" in capsys.readouterr().out
    bad = tmp_path / "scan.jpg"
    assert main(["scan", "--max-depth", "60", "--weights", "1", "--plot", str(bad)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not bad.exists()



def test_log_depth_axis_legend_beside_the_lines_and_inset(scan):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    from symgrad.present.plotting import scan_figure

    fig = scan_figure(scan)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_xlim() == (1, scan.max_depth)
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    plot_area = ax.get_window_extent(renderer)
    assert legend.x0 >= plot_area.x1  # beside the axes: it covers no line
    assert fig.bbox.contains(legend.x1 - 1, legend.y0 + 1)  # and is not cut off
    # a scan far deeper than the low-precision events (with weights 1 bfloat16's computed
    # gradient is 0 after a few dozen layers) shows them again, on a linear axis, in an
    # inset of the early depths
    deep = scan_depths([Fraction(1)] * 400, lr=Fraction(1, 10), formats="float16,bfloat16")
    zero = deep.format("bfloat16").first["zero"]
    insets = scan_figure(deep).axes[0].child_axes
    assert len(insets) == 1 and insets[0].get_xscale() == "linear"
    lo, hi = insets[0].get_xlim()
    assert lo == 1 and zero < hi < 400


def test_no_inset_when_the_scan_is_short():
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    from symgrad.present.plotting import scan_figure

    short = scan_depths([Fraction(1)] * 20, lr=Fraction(1, 10), formats="float16")
    assert scan_figure(short).axes[0].child_axes == []
