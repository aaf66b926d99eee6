"""A failure of symgrad itself exits 4 with one line on every command (never a verdict's code)."""

from __future__ import annotations

import importlib

import pytest

from symgrad.interfaces.cli import COMMANDS, main


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("exc", [ZeroDivisionError("boom"), RecursionError(), MemoryError()])
def test_internal_error_is_one_line_exit_4(name, exc, monkeypatch, capsys):
    module = importlib.import_module(f"symgrad.interfaces.cli.cmd_{name.replace('-', '_')}")

    def broken(args):
        raise exc

    monkeypatch.setattr(module, "run", broken)
    monkeypatch.delenv("SYMGRAD_TRACEBACK", raising=False)
    argv = {"check": [name, "x >= 0"], "classify": [name, "x**2"],
            "derive": [name, "--depth", "2"], "reference": [name, "--depth", "2", "--weights", "1"],
            "scan": [name, "--max-depth", "3", "--weights", "1"],
            "hessian": [name, "--depth", "2", "--weights", "1"],
            "completion": [name, "bash"]}.get(name, [name])
    assert main(argv) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("symgrad: internal error: ")
    assert type(exc).__name__ in err and "Traceback" not in err
