"""Secret redaction: values that look like keys, tokens, private keys and passwords are
masked before any text is sent to a model.

Masks keep the line structure (a private key block keeps its line count) so that line
numbers the model cites still point at the right code, and they name what was masked
(`[REDACTED:aws-key]`) so the model can still report a hard-coded credential.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_NAME = r"[A-Za-z0-9_.-]*(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|access[_-]?key" \
        r"|private[_-]?key|client[_-]?secret|credential|auth)[A-Za-z0-9_.-]*"

_PRIVATE_KEY = re.compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z0-9 ]*-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY"
    r"[A-Z0-9 ]*-----)", re.DOTALL)
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws-key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("api-key", re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}")),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("stripe-key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
)
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\"]+:)([^\s@/'\"]+)(@)")
_QUOTED = re.compile(r"(?i)(\b" + _NAME + r"[\"']?\s*(?:=|:|==)\s*[bru]{0,2})"
                     r"([\"'])([^\"'\n]{4,})(\2)")
_DOTENV = re.compile(r"(?im)^(\s*(?:export\s+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY"
                     r"|ACCESS_KEY|PRIVATE_KEY)[A-Z0-9_]*\s*=\s*)([^\s\"'#]{4,})\s*$")


def _mask(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


@dataclass
class Redactor:
    """Masks secrets and counts how many it masked, by kind, over its lifetime."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Masks applied so far."""
        return sum(self.counts.values())

    def redact(self, text: str) -> str:
        """`text` with every secret-looking value masked."""
        if not text:
            return text
        text = _PRIVATE_KEY.sub(self._private_key, text)
        for kind, pattern in _TOKENS:
            text = pattern.sub(self._counter(kind, _constant(_mask(kind))), text)
        text = _URL_PASSWORD.sub(
            self._counter("url-password",
                          lambda m: m.group(1) + _mask("url-password") + m.group(3)), text)
        text = _QUOTED.sub(self._counter("password", self._quoted), text)
        return _DOTENV.sub(
            self._counter("password", lambda m: m.group(1) + _mask("password")), text)

    def _counter(self, kind: str, replace: Callable[[re.Match[str]], str],
                 ) -> Callable[[re.Match[str]], str]:
        def apply(match: re.Match[str]) -> str:
            out = replace(match)
            if out != match.group(0):
                self.counts[kind] = self.counts.get(kind, 0) + 1
            return out

        return apply

    @staticmethod
    def _quoted(match: re.Match[str]) -> str:
        if match.group(3).startswith("[REDACTED:"):
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{_mask('password')}{match.group(4)}"

    def _private_key(self, match: re.Match[str]) -> str:
        self.counts["private-key"] = self.counts.get("private-key", 0) + 1
        body_lines = match.group(2).count("\n")
        body = "\n".join([_mask("private-key")] * max(body_lines - 1, 1))
        return f"{match.group(1)}\n{body}\n{match.group(3)}" if body_lines >= 2 else \
            f"{match.group(1)}{_mask('private-key')}{match.group(3)}"
