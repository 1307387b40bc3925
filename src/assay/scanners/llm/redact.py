"""Secret redaction: values that look like keys, tokens, private keys and passwords are
masked before any text is sent to a model.

Masks keep the line structure (a private key block keeps its line count) so that line
numbers the model cites still point at the right code, and they name what was masked
(`[REDACTED:aws-key]`) so the model can still report a hard-coded credential.

The text is the scanned repository's, so it is hostile: every pass runs in time linear
in the text. No pattern may start a scan at each character of a run it already scanned
(a line of `token.token.token...` made the old name-then-keyword pattern take minutes
for a few kilobytes): names are matched whole from their first character and checked
for a keyword afterwards, runs that cannot end in a match are skipped at once, and a
pass whose literal cannot occur in the text is not run at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

_KEYWORD = re.compile(r"passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
                      r"|private[_-]?key|credential|auth")
_ENV_KEYWORD = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|ACCESS_KEY|PRIVATE_KEY")
_KEYWORD_NEEDLES = ("passw", "pwd", "secret", "token", "apikey", "api_key", "api-key",
                    "accesskey", "access_key", "access-key", "privatekey", "private_key",
                    "private-key", "credential", "auth")

_KEY_BEGIN = re.compile(r"-----BEGIN (?=[A-Z0-9 ]*?PRIVATE KEY)[A-Z0-9 ]*+-----")
_KEY_END = re.compile(r"-----END (?=[A-Z0-9 ]*?PRIVATE KEY)[A-Z0-9 ]*+-----")
_TOKENS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("aws-key", ("AKIA", "ASIA", "AGPA", "AIDA", "AROA"),
     re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("api-key", ("sk-",), re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}")),
    ("slack-token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("stripe-key", ("k_live_", "k_test_"), re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("google-api-key", ("AIza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
)
_JWT_START = re.compile(r"\beyJ")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}+\.eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+")
_JWT_RUN = re.compile(r"[A-Za-z0-9_-]*+")
_URL_PASSWORD = re.compile(r"(://[^\s:/@'\"]++:)([^\s@/'\"]++)(@)")
_QUOTED = re.compile(r"(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]++[\"']?\s*+(?:==|=|:)\s*+"
                     r"[bruBRU]{0,2})([\"'])([^\"'\n]{4,}+)(\2)")
_DOTENV = re.compile(r"(?m)^([^\S\n]*+(?:[Ee][Xx][Pp][Oo][Rr][Tt][^\S\n]++)?([A-Za-z0-9_]++)"
                     r"[^\S\n]*+=[^\S\n]*+)([^\s\"'#]{4,}+)([^\S\n]*+)$")
_NAME_AT = re.compile(r"[A-Za-z0-9_.-]*+")


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
        if "PRIVATE KEY" in text:
            text = self._private_keys(text)
        for kind, needles, pattern in _TOKENS:
            if any(needle in text for needle in needles):
                text = pattern.sub(self._counter(kind, _constant(_mask(kind))), text)
        if "eyJ" in text:
            text = self._jwts(text)
        if "://" in text:
            text = _URL_PASSWORD.sub(
                self._counter("url-password",
                              lambda m: m.group(1) + _mask("url-password") + m.group(3)), text)
        lowered = text.lower()
        if any(needle in lowered for needle in _KEYWORD_NEEDLES):
            text = self._quoted(text)
            text = _DOTENV.sub(self._counter("password", self._dotenv), text)
        return text

    def _counter(self, kind: str, replace: Callable[[re.Match[str]], str],
                 ) -> Callable[[re.Match[str]], str]:
        def apply(match: re.Match[str]) -> str:
            out = replace(match)
            if out != match.group(0):
                self._count(kind)
            return out

        return apply

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def _quoted(self, text: str) -> str:
        """Quoted values assigned to a name holding a keyword. A name without one is
        passed over (not its value: another name may start inside it)."""
        out: list[str] = []
        done = pos = 0
        while (match := _QUOTED.search(text, pos)) is not None:
            name = _NAME_AT.match(text, match.start())
            name_end = name.end() if name is not None else match.start() + 1
            if not _KEYWORD.search(text[match.start():name_end].lower()) \
                    or match.group(3).startswith("[REDACTED:"):
                pos = max(name_end, match.start() + 1)
                continue
            out.append(text[done:match.start(3)])
            out.append(_mask("password"))
            self._count("password")
            done, pos = match.end(3), match.end()
        out.append(text[done:])
        return "".join(out)

    @staticmethod
    def _dotenv(match: re.Match[str]) -> str:
        if not _ENV_KEYWORD.search(match.group(2).upper()):
            return match.group(0)
        return match.group(1) + _mask("password") + match.group(4)

    def _private_keys(self, text: str) -> str:
        """Each block from a BEGIN line to the first END line after it: its body masked."""
        out: list[str] = []
        done = 0
        for begin, end in _blocks(text):
            out.append(text[done:begin.start()])
            body_lines = text.count("\n", begin.end(), end.start())
            body = "\n".join([_mask("private-key")] * max(body_lines - 1, 1))
            out.append(f"{begin.group(0)}\n{body}\n{end.group(0)}" if body_lines >= 2 else
                       f"{begin.group(0)}{_mask('private-key')}{end.group(0)}")
            self._count("private-key")
            done = end.end()
        out.append(text[done:])
        return "".join(out)

    def _jwts(self, text: str) -> str:
        out: list[str] = []
        done = pos = 0
        while (start := _JWT_START.search(text, pos)) is not None:
            token = _JWT.match(text, start.start())
            if token is None:
                # every later start in this run ends at the same place, and fails the same way
                run = _JWT_RUN.match(text, start.start())
                pos = run.end() if run is not None and run.end() > start.start() \
                    else start.start() + 1
                continue
            out.append(text[done:token.start()])
            out.append(_mask("jwt"))
            self._count("jwt")
            done = pos = token.end()
        out.append(text[done:])
        return "".join(out)


def _blocks(text: str) -> Iterator[tuple[re.Match[str], re.Match[str]]]:
    pos = 0
    while (begin := _KEY_BEGIN.search(text, pos)) is not None:
        end = _KEY_END.search(text, begin.end())
        if end is None:
            return  # no END after this BEGIN: none after any later BEGIN either
        yield begin, end
        pos = end.end()
