"""The one verdict vocabulary of ``symgrad verify``, the report and ``symgrad check``.

Every verdict symgrad prints is a :class:`Verdict`; its word (the enum value) is
the same in the terminal, in JSON and in the report, and its :attr:`~Verdict.style`
decides the report's colour.  Two families share the vocabulary:

*checks* (``verify``, the report's verification table):

* ``PASS`` - the check was made, could have failed, and did not;
* ``FAIL`` - the check was made and failed;
* ``UNDECIDED`` - the check was made but could not decide (a certified ball
  straddles the bound): said, never guessed;
* ``NOT CHECKABLE`` - no check could be made at this depth/format: its tolerance
  leaves no significant digit (relative tolerance >= 1/2), or nothing was
  compared (every value underflowed), or the emulation could not pin the values
  down; always given with the reason;
* ``MEASURED`` - a measurement, not a check (e.g. whether a backend flushes
  subnormals to zero);
* ``SKIPPED`` - the check could not run (a framework is not installed);

*claims* (``check``, the report's table of the text's claims): ``TRUE``,
``FALSE``, ``UNDECIDED`` (the same UNDECIDED as above).

Only ``PASS`` and ``TRUE`` are successes and only they are shown green;
``NOT CHECKABLE``, ``MEASURED`` and ``SKIPPED`` are neutral (grey), counted apart.

Exit codes.  ``symgrad check``: 0 TRUE, 1 FALSE, 3 UNDECIDED, 2 bad input, 4 an
internal error (a bug in symgrad, never a verdict).  ``symgrad verify``: 0 only
when no check failed, was undecided or was skipped and at least one passed;
``NOT CHECKABLE`` and ``MEASURED`` rows neither pass nor fail it (they are
listed and counted apart in the summary, which then does not say "all checks
passed"); 1 otherwise; 2 bad input.

>>> Verdict.NOT_CHECKABLE.word, Verdict.NOT_CHECKABLE.style, Verdict.NOT_CHECKABLE.success
('NOT CHECKABLE', 'info', False)
>>> verify_exit_code([Verdict.PASS, Verdict.NOT_CHECKABLE, Verdict.MEASURED])
0
>>> verify_exit_code([Verdict.NOT_CHECKABLE])  # nothing was checked: not a success
1
>>> CHECK_EXIT_CODES["UNDECIDED"]  # plain strings look verdicts up too
3
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import Enum

__all__ = [
    "CHECK_EXIT_CODES",
    "CHECK_VERDICTS",
    "CLAIM_VERDICTS",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_INTERNAL_ERROR",
    "EXIT_OK",
    "Verdict",
    "count_verdicts",
    "verify_exit_code",
    "verify_summary",
]


class Verdict(str, Enum):
    """A verdict; the value is the word printed everywhere."""

    PASS = "PASS"
    FAIL = "FAIL"
    UNDECIDED = "UNDECIDED"
    NOT_CHECKABLE = "NOT CHECKABLE"
    MEASURED = "MEASURED"
    SKIPPED = "SKIPPED"
    TRUE = "TRUE"
    FALSE = "FALSE"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def word(self) -> str:
        """The display word (the same in text, JSON and HTML)."""
        return self.value

    @property
    def success(self) -> bool:
        """True only for PASS and TRUE."""
        return self in (Verdict.PASS, Verdict.TRUE)

    @property
    def failure(self) -> bool:
        """True for FAIL and FALSE."""
        return self in (Verdict.FAIL, Verdict.FALSE)

    @property
    def neutral(self) -> bool:
        """True for the verdicts counted apart: NOT CHECKABLE, MEASURED, SKIPPED."""
        return self in (Verdict.NOT_CHECKABLE, Verdict.MEASURED, Verdict.SKIPPED)

    @property
    def style(self) -> str:
        """The report's badge class: ``ok`` (green), ``bad`` (red), ``undecided`` (amber)
        or ``info`` (grey, neutral)."""
        if self.success:
            return "ok"
        if self.failure:
            return "bad"
        return "undecided" if self is Verdict.UNDECIDED else "info"

    @classmethod
    def from_word(cls, word: str) -> Verdict | None:
        """The verdict whose word is ``word`` (any case), else None.

        >>> Verdict.from_word("not checkable") is Verdict.NOT_CHECKABLE
        True
        """
        try:
            return cls(str(word).upper())
        except ValueError:
            return None


#: the verdicts of a check (verify, the verification table) and of a claim (check)
CHECK_VERDICTS = (Verdict.PASS, Verdict.FAIL, Verdict.UNDECIDED, Verdict.NOT_CHECKABLE,
                  Verdict.MEASURED, Verdict.SKIPPED)
CLAIM_VERDICTS = (Verdict.TRUE, Verdict.FALSE, Verdict.UNDECIDED)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL_ERROR = 0, 1, 2, 4
#: ``symgrad check``: the exit status of each claim verdict
CHECK_EXIT_CODES = {Verdict.TRUE: 0, Verdict.FALSE: 1, Verdict.UNDECIDED: 3}


def count_verdicts(verdicts: Iterable[str]) -> dict[Verdict, int]:
    """How many of each check verdict (every check verdict present, zeros included)."""
    n = Counter(Verdict(v) for v in verdicts)
    return {v: n.get(v, 0) for v in CHECK_VERDICTS}


def verify_exit_code(verdicts: Iterable[str]) -> int:
    """0 when nothing failed, was undecided or skipped and something passed; else 1."""
    n = count_verdicts(verdicts)
    bad = n[Verdict.FAIL] + n[Verdict.UNDECIDED] + n[Verdict.SKIPPED]
    return EXIT_OK if bad == 0 and n[Verdict.PASS] > 0 else EXIT_FAILED


def verify_summary(verdicts: Iterable[str]) -> str:
    """The last line of ``symgrad verify``.

    >>> print(*verify_summary(["PASS", "PASS", "NOT CHECKABLE"]).split("; "), sep=chr(10))
    EVERY CHECKABLE CHECK PASSED: 2 passed, 0 failed, 0 undecided, 0 skipped
    counted apart: 1 not checkable, 0 measured
    """
    vs = list(verdicts)
    n = count_verdicts(vs)
    if verify_exit_code(vs) != EXIT_OK:
        head = "NOT ALL CHECKS PASSED"
    elif n[Verdict.NOT_CHECKABLE]:
        head = "EVERY CHECKABLE CHECK PASSED"
    else:
        head = "ALL CHECKS PASSED"
    return (f"{head}: {n[Verdict.PASS]} passed, {n[Verdict.FAIL]} failed, "
            f"{n[Verdict.UNDECIDED]} undecided, {n[Verdict.SKIPPED]} skipped; counted apart: "
            f"{n[Verdict.NOT_CHECKABLE]} not checkable, {n[Verdict.MEASURED]} measured")
