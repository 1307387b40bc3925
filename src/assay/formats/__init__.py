"""Documents assay reads and writes: its JSON schema, SARIF 2.1.0, Markdown, tool outputs."""

from assay.formats.errors import FormatError

__all__ = ["FormatError"]
