"""Shared output helpers: atomic file writes and stable JSON.

Every file symgrad writes goes through :func:`write_atomic`: the content goes to
a temporary file in the same folder, which is then renamed over the target, so
an error or Ctrl-C never leaves a half-written file.  (Numbers as text, bounds
rounded outward included, are :mod:`symgrad.present.numbers`.)

>>> dumps_json({"b": 1, "a": "2"})
'{\\n  "a": "2",\\n  "b": 1\\n}\\n'
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from symgrad.base.errors import SymgradError

__all__ = ["dumps_json", "ensure_writable_dir", "write_atomic"]


def dumps_json(obj: object) -> str:
    """Serialise ``obj`` as stable JSON (sorted keys, 2-space indent, final newline)."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename.

    Raises :class:`SymgradError` (one line) when the folder cannot be written.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SymgradError(
            f"cannot write {target}: folder {folder} does not exist",
            hint="create it first or choose another path",
        )
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SymgradError(
            f"cannot write {target}: {exc.strerror}", hint="choose a writable path"
        ) from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; use the usual mode
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise SymgradError(
                f"cannot write {target}: {exc.strerror}", hint="choose a writable path"
            ) from None
        raise
    return target


def ensure_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and parents) if needed and check that it is writable."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SymgradError(
            f"cannot create folder {folder}: {exc.strerror}", hint="choose a writable --out"
        ) from None
    if not os.access(folder, os.W_OK):
        raise SymgradError(f"folder {folder} is not writable", hint="choose a writable --out")
    return folder
