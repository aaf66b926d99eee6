"""Run ``symgrad.interfaces.cli.main`` in-process in a long-lived child, one call at a time, with a
wall-clock guard per call (for the CLI fuzz test).

The child imports symgrad once and then reads one JSON ``argv`` per line; for each it runs
``main(argv)`` with ``sys.stdout``/``sys.stderr`` captured, and writes one JSON line back:
the exit status (argparse's ``SystemExit`` included), the captured output, and the
traceback of any exception that escaped ``main`` (which must never happen).  A call that
runs past its budget is killed with its process; the next call starts a fresh child.  A
child process (not ``SIGALRM``) keeps the guard apart from the time budgets symgrad itself
arms with ``SIGALRM``.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CliResult", "CliWorker"]

_CHILD = r"""
import contextlib, io, json, os, sys, traceback
channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1)  # stray C-level writes must not reach the channel
import symgrad.interfaces.cli
from symgrad.base import interrupts
for line in sys.stdin:
    argv = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    code, tb = None, ""
    interrupts.reset()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = symgrad.interfaces.cli.main(argv)
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) or exc.code is None else repr(exc.code)
            code = 0 if code is None else code
        except BaseException:
            tb = traceback.format_exc()
    channel.write(json.dumps({"code": code, "out": out.getvalue()[-20000:],
                              "err": err.getvalue()[-20000:], "tb": tb}) + "\n")
    channel.flush()
"""


@dataclass
class CliResult:
    argv: list[str]
    code: int | str | None  # None: no answer (hang or crash)
    out: str
    err: str
    traceback: str
    seconds: float
    hang: bool = False
    crash: str = ""


class CliWorker:
    """A child Python that runs ``symgrad.interfaces.cli.main`` on request (see the module doc)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)
        self.proc: subprocess.Popen | None = None
        self._log = None

    def _start(self) -> subprocess.Popen:
        self._log = tempfile.TemporaryFile(mode="w+")
        env = {**os.environ, "CI": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, text=True, encoding="utf-8", cwd=self.cwd, env=env,
        )

    def run(self, argv: list[str], *, budget: float) -> CliResult:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        t0 = time.perf_counter()
        proc.stdin.write(json.dumps(argv) + "\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], budget)
        seconds = time.perf_counter() - t0
        if not ready:  # past the budget: kill it, the next call starts a fresh child
            self.close(kill=True)
            return CliResult(argv, None, "", "", "", seconds, hang=True)
        line = proc.stdout.readline()
        if not line:  # the child died (a segfault, os._exit ...)
            self._log.seek(0)
            log = self._log.read()[-2000:]
            self.close()
            return CliResult(argv, None, "", "", "", seconds, crash=log or "no output")
        data = json.loads(line)
        result = CliResult(argv, data["code"], data["out"], data["err"], data["tb"], seconds)
        if os.environ.get("SYMGRAD_FUZZ_LOG"):  # a record of every call, for inspection
            with open(os.environ["SYMGRAD_FUZZ_LOG"], "a", encoding="utf-8") as log:
                last = (result.err.strip().splitlines() or [""])[-1][:160]
                log.write(f"{seconds:6.2f}s exit {result.code}  {argv!r}\n        {last}\n")
        return result

    def close(self, *, kill: bool = False) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if kill:
            proc.kill()
        else:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, self._log):
            if stream is not None and not stream.closed:
                stream.close()
