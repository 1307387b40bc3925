"""The one error base of assay.

Each subpackage derives its own error from `AssayError` and translates foreign exceptions
at its boundary; the CLI catches `AssayError` once and prints `message` and `hint`.
"""

from __future__ import annotations


class AssayError(Exception):
    """A failure the user can act on: a one-line message plus an optional hint.

    `exit_code` is what the CLI exits with (2: usage or configuration error).
    """

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """The message and hint as the CLI prints them."""
        text = f"error: {self.message}"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text


class ConfigError(AssayError):
    """Invalid configuration file, flag or environment variable."""


class UsageError(AssayError):
    """A command was called with arguments that cannot work together."""
