"""Checking a finding's quote against the file it cites.

A quote counts as found when, after removing line-number prefixes the model may have
copied from read_file output and collapsing whitespace, its lines appear as consecutive
lines of the file (raw or as the model saw it, with secrets masked). A finding whose
quote is not in its file is `unsupported`: a phantom finding, kept and counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.model import Verification

_PREFIX = re.compile(r"^\s*\d+\s*[|:]\s?")
_SPACE = re.compile(r"\s+")


def _norm(line: str) -> str:
    return _SPACE.sub(" ", line).strip()


def quote_lines(quote: str) -> list[str]:
    """The non-empty, whitespace-normalized lines of a quote, line-number prefixes removed."""
    lines = [line for line in quote.splitlines() if line.strip()]
    if lines and all(_PREFIX.match(line) for line in lines):
        lines = [_PREFIX.sub("", line, count=1) for line in lines]
    return [n for n in (_norm(line) for line in lines) if n]


def contains(file_lines: Sequence[str], quote: Sequence[str]) -> bool:
    """True when the quote's lines occur in the file: the first and last may be partial
    (a fragment of a line), the ones between must be whole lines.

    Time is linear in the file and the quote (both may be hostile: the file is the
    scanned tree's, the quote the model's): the whole lines between are found with
    Knuth-Morris-Pratt, then each place is checked for the partial first and last."""
    if not quote:
        return False
    lines = [n for n in (_norm(line) for line in file_lines) if n]
    if len(quote) == 1:
        return any(quote[0] in line for line in lines)
    first, middle, last = quote[0], list(quote[1:-1]), quote[-1]
    starts = _occurrences(lines, middle) if middle else range(1, len(lines))
    for start in starts:
        end = start + len(middle)
        if start > 0 and end < len(lines) and lines[start - 1].endswith(first) \
                and lines[end].startswith(last):
            return True
    return False


def _occurrences(items: Sequence[str], pattern: Sequence[str]) -> list[int]:
    """Every index where `pattern` occurs in `items` as a run (Knuth-Morris-Pratt)."""
    fallback = [0] * len(pattern)
    k = 0
    for i in range(1, len(pattern)):
        while k and pattern[i] != pattern[k]:
            k = fallback[k - 1]
        if pattern[i] == pattern[k]:
            k += 1
        fallback[i] = k
    found: list[int] = []
    k = 0
    for i, item in enumerate(items):
        while k and item != pattern[k]:
            k = fallback[k - 1]
        if item == pattern[k]:
            k += 1
        if k == len(pattern):
            found.append(i - k + 1)
            k = fallback[k - 1]
    return found


def verify_quote(quote: str, versions: Sequence[Sequence[str]]) -> Verification:
    """`supported` when the quote is in any version of the file's lines, else
    `unsupported` (also for an empty quote or a file that does not exist: no versions)."""
    wanted = quote_lines(quote)
    if wanted and any(contains(lines, wanted) for lines in versions):
        return Verification.SUPPORTED
    return Verification.UNSUPPORTED
