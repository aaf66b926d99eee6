"""Optional dependencies in tests: skip locally, fail in CI.

CI sets ``SYMGRAD_REQUIRE_ALL=1``; then a missing module or executable is a
test failure, so a green CI run can never hide a skipped backend.
"""

from __future__ import annotations

import importlib
import os
import shutil

import pytest

__all__ = ["REQUIRE_ALL", "require_executable", "require_module"]

REQUIRE_ALL = os.environ.get("SYMGRAD_REQUIRE_ALL") == "1"


def require_module(name: str, *, install: str | None = None):
    """Import ``name`` or skip (fail when SYMGRAD_REQUIRE_ALL=1)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        msg = f"{name} is not installed" + (f" ({install})" if install else "")
        if REQUIRE_ALL:
            pytest.fail(msg + " but SYMGRAD_REQUIRE_ALL=1")
        pytest.skip(msg)


def require_executable(name: str, *, install: str | None = None) -> str:
    """Path of the executable ``name`` or skip (fail when SYMGRAD_REQUIRE_ALL=1)."""
    path = shutil.which(name)
    if path is None:
        msg = f"{name} is not on PATH" + (f" ({install})" if install else "")
        if REQUIRE_ALL:
            pytest.fail(msg + " but SYMGRAD_REQUIRE_ALL=1")
        pytest.skip(msg)
    return path
