"""GitHub code scanning's `primaryLocationLineHash`, computed the way its uploader does.

For every line, a polynomial rolling hash (base 37, modulo 2**64) over the next 100
characters of the file counted from the line's start, ignoring spaces and tabs, with
CR, LF and CRLF all read as LF, an end-of-file marker (65535) and zero padding. The value
is written in hexadecimal with a `:n` suffix, n counting earlier lines whose 100-character
windows are the same. Characters are UTF-16 code units, as in the JavaScript original.

Equal hashes come from equal windows, so occurrences are counted by comparing windows,
and the polynomial is evaluated only for the lines asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

BLOCK = 100
_MASK = (1 << 64) - 1
_POWERS = [pow(37, BLOCK - 1 - k, 1 << 64) for k in range(BLOCK)]
_EOF = "\uffff"
_STRIP = str.maketrans("", "", " \t")


def _filtered(text: str) -> str:
    """The characters that enter the hash: newlines unified, spaces and tabs dropped."""
    if not text.isascii() and max(text) > "\uffff":  # astral: two UTF-16 units each
        data = text.encode("utf-16-le", "surrogatepass")
        text = "".join(chr(data[i] | (data[i + 1] << 8)) for i in range(0, len(data), 2))
    if "\r" in text:
        return _crlf_exact(text)
    return text.translate(_STRIP) + _EOF


def _crlf_exact(text: str) -> str:
    """Slow path for text with CR: an LF counts as part of CRLF only right after the CR."""
    out = []
    prev_cr = False
    for char in text:
        if char in " \t" or (prev_cr and char == "\n"):
            prev_cr = False
            continue
        prev_cr = char == "\r"
        out.append("\n" if prev_cr else char)
    return "".join(out) + _EOF


def _starts(chars: str) -> list[int]:
    starts = [0]
    end = len(chars) - 1  # the EOF marker may start a line of its own
    pos = chars.find("\n")
    while pos != -1 and pos < end:
        starts.append(pos + 1)
        pos = chars.find("\n", pos + 1)
    return starts


def _value(window: str) -> str:
    total = sum(ord(c) * p for c, p in zip(window, _POWERS, strict=True)) & _MASK
    return format(total, "x")


def line_hashes_for(text: str, lines: Iterable[int]) -> dict[int, str]:
    """`primaryLocationLineHash` of the given 1-based lines (absent when out of range)."""
    chars = _filtered(text) + "\0" * BLOCK
    starts = _starts(chars)
    wanted = {n for n in lines if 0 < n <= len(starts)}
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for number, start in enumerate(starts, 1):
        window = chars[start : start + BLOCK]
        seen[window] = seen.get(window, 0) + 1
        if number in wanted:
            out[number] = f"{_value(window)}:{seen[window]}"
    return out


def line_hashes(text: str) -> list[str]:
    """`primaryLocationLineHash` for every line; index 0 is line 1."""
    chars = _filtered(text) + "\0" * BLOCK
    found = line_hashes_for(text, range(1, len(_starts(chars)) + 1))
    return [found[n] for n in sorted(found)]


def line_hash(text: str, line: int) -> str:
    """The hash of one 1-based line ('' when the file has fewer lines)."""
    return line_hashes_for(text, [line]).get(line, "")
