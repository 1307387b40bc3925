"""The closed sets of values that command-line options offer and the configuration accepts.

Kept apart from `assay.config` (pydantic) and `assay.workflow` so that the command line
can build its options and help text without importing the code that does the work: every
`assay` invocation registers every command, and a pre-commit hook pays for each import.
This module imports nothing of assay but the model's values.
"""

from __future__ import annotations

import enum

from assay.model import Severity

FAIL_ON_CHOICES = (*(s.value for s in Severity), "none")
"""The severity thresholds of `--fail-on` and `fail_on`, most severe first, then `none`."""


class LlmMode(enum.StrEnum):
    """When LLM scanners run: as the tier decides, always, or never."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"
