"""GitHub code scanning's `primaryLocationLineHash`, computed the way its uploader does.

For every line, a polynomial rolling hash (base 37, modulo 2**64) over the next 100
characters of the file counted from the line's start, ignoring spaces and tabs, with
CR, LF and CRLF all read as LF, an end-of-file marker (65535) and zero padding. The value
is written in hexadecimal with a `:n` suffix, n counting earlier lines with the same hash.
Characters are UTF-16 code units, as in the JavaScript original.
"""

from __future__ import annotations

BLOCK = 100
_BASE = 37
_MASK = (1 << 64) - 1
_FIRST = pow(_BASE, BLOCK, 1 << 64)
_EOF = 65535
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13


def _code_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def _filtered(text: str) -> tuple[list[int], list[int]]:
    """The characters that enter the hash, and the index in it where each line starts."""
    chars: list[int] = []
    starts: list[int] = []
    line_start, prev_cr = True, False
    for unit in [*_code_units(text), _EOF]:
        if unit in (_SPACE, _TAB) or (prev_cr and unit == _LF):
            prev_cr = False
            continue
        prev_cr = unit == _CR
        if prev_cr:
            unit = _LF
        if line_start:
            starts.append(len(chars))
            line_start = False
        if unit == _LF:
            line_start = True
        chars.append(unit)
    return chars, starts


def line_hashes(text: str) -> list[str]:
    """`primaryLocationLineHash` for every line; index 0 is line 1."""
    chars, starts = _filtered(text)
    chars.extend([0] * BLOCK)
    prefix = [0]
    value = 0
    # prefix[i] is the hash of chars[0:i]; a window's hash follows from two prefixes.
    for unit in chars:
        value = (value * _BASE + unit) & _MASK
        prefix.append(value)
    seen: dict[str, int] = {}
    out = []
    for start in starts:
        window = (prefix[start + BLOCK] - prefix[start] * _FIRST) & _MASK
        key = format(window, "x")
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}:{seen[key]}")
    return out


def line_hash(text: str, line: int) -> str:
    """The hash of one 1-based line ('' when the file has fewer lines)."""
    hashes = line_hashes(text)
    return hashes[line - 1] if 0 < line <= len(hashes) else ""
