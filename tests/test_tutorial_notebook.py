"""docs/tutorial.ipynb runs from top to bottom (nbclient, a kernel of this Python) and is
committed without outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests._require import require_module

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    """A kernelspec that starts this very interpreter (the venv's), found first."""
    kernelspec = require_module("ipykernel.kernelspec", install="the test extra")
    kernelspec.install(kernel_name="symgrad-test", prefix=str(tmp_path / "prefix"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "prefix" / "share" / "jupyter"))
    spec = json.loads((tmp_path / "prefix/share/jupyter/kernels/symgrad-test/kernel.json")
                      .read_text())
    assert spec["argv"][0] == sys.executable
    return "symgrad-test"


def outputs_text(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "text/plain" in out.get("data", {}):
            parts.append(out.data["text/plain"])
    return "".join(parts)


def test_tutorial_runs(kernel_name, tmp_path):
    nbformat = require_module("nbformat", install="the test extra")
    nbclient = require_module("nbclient", install="the test extra")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any failing cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code[1:]:  # every step shows something, and nothing on stderr
        assert cell.outputs, cell.source
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], outputs_text(cell)
    text = "\n".join(outputs_text(c) for c in code)
    # facts of the text with independent, textbook answers
    assert "saddle" in outputs_text(code[1])  # x^2 - y^2 at the origin
    assert "sup sigma' = 1/4 attained at t = (0,)" in text  # sigma'(0) = 1/4, by hand
    assert "induction proof verified: True" in text
    assert "fc-small-gradient          FALSE" in text  # the text's typo: f_c'(p) = c = 1e-90
    if "skipping this step" not in text:
        rel = float(text.split("relative error:")[1].split()[0])
        assert rel < 1e-13  # float64 evaluation of a 10-factor product: a few ulps
