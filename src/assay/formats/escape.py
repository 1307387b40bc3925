"""Escaping of untrusted text, for every output format.

The scanned repository is hostile: file paths, finding messages, snippets, rule ids,
scanner and tool names from imported SARIF or external commands, text a language model
wrote and labels all come from it (see DESIGN.md, "Trust boundary"). Every renderer passes
such strings through one of these functions before writing them:

- `visible`: terminal text. Control characters (C0, DEL, C1), bidirectional overrides and
  isolates ("Trojan Source"), line and paragraph separators and undecodable bytes of a path
  are shown as escapes (`\\x1b`, `\\u202e`), so they can neither drive the terminal nor
  reorder or hide what the reader sees. The HTML memo and the figures use it too.
- `md_text`, `md_cell`, `md_code`: Markdown (job summaries, pull-request comments, the
  Markdown memo). Text can open no HTML, comment, link, image, fence, table cell or
  mention.
- `json_text`: JSON and SARIF documents, which may be read in a terminal (`cat`): the
  characters JSON itself leaves raw are written as `\\uXXXX` escapes.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u2028\u2029"
_SURROGATES = "\ud800-\udfff"
# Characters never written raw: C0 controls, DEL, C1 controls, bidirectional controls,
# line/paragraph separators and lone surrogates (undecodable bytes of a path).
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}{_SURROGATES}]")
_UNSAFE_BUT_LAYOUT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}"
                                f"{_SURROGATES}]")
# What JSON leaves raw with ensure_ascii=False (it escapes C0 itself).
_JSON_RAW = re.compile(f"[\x7f-\x9f{_BIDI}{_SEPARATORS}{_SURROGATES}]")

# Markdown: characters that can start markup anywhere in a line (code, emphasis, links
# and images, raw HTML and comments, entities, headings, tables, strikethrough, math).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~&$])")
# ... and at the start of a block only (list items, quotes, setext underlines, breaks).
_MD_LEADING = re.compile(r"^(\d*)([-+=.)])")
_MENTION = "@\u200b"
_BACKTICKS = re.compile(r"`+")
SURROGATE_BYTES = range(0xDC80, 0xDD00)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"  # a byte that was not UTF-8, as git had it
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, *, layout: bool = False) -> str:
    """`text` with every character that could drive a terminal or reorder text escaped.

    Tabs and newlines are escaped too, unless `layout` is true (for text whose lines and
    indentation are meant, such as source code; the caller then makes sure a line cannot
    pass for one of assay's own).
    """
    pattern = _UNSAFE_BUT_LAYOUT if layout else _UNSAFE
    return pattern.sub(_escape_char, text)


def _leading(match: re.Match[str]) -> str:
    digits, mark = match.groups()
    if digits and mark not in ".)":
        return match.group()
    return f"{digits}\\{mark}"


def md_text(text: str) -> str:
    """`text` as literal Markdown inline text: on one line, no markup of any kind.

    Control characters are escaped as by `visible` (so line breaks cannot start a block),
    every character that can open markup is backslash-escaped (no HTML, comment, link,
    image, emphasis, code, table cell or math), and `@` is followed by a zero-width space
    so that `@user` or `@org/team` notifies nobody.
    """
    body = _MD_INLINE.sub(r"\\\1", visible(text).strip())
    body = _MD_LEADING.sub(_leading, body)
    return body.replace("@", _MENTION)


def md_cell(text: str, limit: int | None = None) -> str:
    """`text` as one Markdown table cell, cut to `limit` characters before escaping.

    Cutting first means an escape is never split; `|` is escaped, so a cell stays one cell.
    """
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return md_text(text)


def md_code(text: str, *, in_table: bool = False) -> str:
    """`text` as a Markdown code span: shown verbatim, whatever backticks it holds.

    The fence is one backtick longer than the longest run in the text. In a table cell,
    `|` must still be escaped (GitHub splits cells before it finds code spans).
    """
    body = visible(text)
    if not body:
        return ""
    if in_table:
        body = body.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(body)), default=0) + 1)
    if body.startswith("`") or body.endswith("`") or (
            body.startswith(" ") and body.endswith(" ") and body.strip()):
        body = f" {body} "
    return f"{fence}{body}{fence}"


def json_text(document_text: str) -> str:
    """JSON text with the characters JSON leaves raw written as `\\uXXXX` escapes.

    Only string contents can hold them, so the document means the same (a lone surrogate
    reads back as itself, and can be stored as UTF-8).
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document_text)
