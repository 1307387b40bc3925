"""The error base of the measure package."""

from __future__ import annotations

from assay.errors import AssayError


class MeasureError(AssayError):
    """Runs or truth that cannot be measured as asked (mixed commits, no runs, ...)."""
