"""Errors of the formats package."""

from __future__ import annotations

from assay.errors import AssayError


class FormatError(AssayError):
    """A document could not be read or written (malformed, wrong schema, wrong version)."""
