"""Layer 4, analysis: float formats, the verification battery and claims, stationary points.

It imports base, core, numeric and present; the interfaces (documents, report,
CLI) call it, never the other way round.
"""

__all__: list[str] = []
