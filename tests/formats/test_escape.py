"""The escaping functions every renderer uses, and the nesting limit of the reader."""

from __future__ import annotations

import json

import pytest
import yaml
from markdown_it import MarkdownIt

from assay.formats.errors import FormatError
from assay.formats.escape import json_text, md_cell, md_code, md_text, visible
from assay.formats.reading import MAX_DEPTH, check_depth, parse_json


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize(("text", "shown"), [
    ("plain/path.py", "plain/path.py"),
    ("a\x1b[31mb\rc\x07", r"a\x1b[31mb\x0dc\x07"),
    ("tab\tnew\nline", r"tab\x09new\x0aline"),
    ("c1\x9b DEL\x7f", r"c1\x9b DEL\x7f"),
    ("bidi\u202eiso\u2066mark\u200f", r"bidi\u202eiso\u2066mark\u200f"),
    ("sep\u2028", r"sep\u2028"),
    ("raw\udc9bbyte", r"raw\x9bbyte"),
    ("ünïcode ✓ 漢字", "ünïcode ✓ 漢字"),
])
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_visible_keeps_layout_when_asked() -> None:
    assert visible("\tx = 1\n\x1b", layout=True) == "\tx = 1\n\\x1b"


@pytest.mark.parametrize("text", [
    "<!-- hide -->", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "![t](http://tracker/p.png)", "```", "# heading", "- item", "1. item", "> quote",
    "*em* _em_ ~~del~~", "a | b", "&lt;", "$x$", "<details><summary>s</summary>",
    "line\n# heading", "\\", "    indented code",
])
def test_md_text_is_literal(text: str) -> None:
    rendered = html(f"- {md_text(text)}\n")
    assert rendered.count("<li>") == 1 and "<ul>" in rendered
    for markup in ("<!--", "<img", "<a ", "<pre", "<h1", "<em", "<blockquote", "<ol",
                   "<del", "<details", "<code"):
        assert markup not in rendered, (text, rendered)


def test_md_text_breaks_mentions_and_keeps_plain_text() -> None:
    assert md_text("@org/team") == "@\u200borg/team"
    assert md_text("Use of weak MD5 hash for security.") == "Use of weak MD5 hash for security."


def test_md_cell_stays_one_cell_and_cuts_before_escaping() -> None:
    cell = md_cell("a|b\\" * 10, limit=6)
    table = html(f"| h | i |\n|---|---|\n| {cell} | x |\n")
    assert table.count("<td>") == 2 and "<td>a|b\\a…</td>" in table


@pytest.mark.parametrize("text", ["plain.py", "a`b", "``x``", "`", "a|b", " x ", "<!--"])
def test_md_code_shows_the_text_verbatim(text: str) -> None:
    rendered = html(f"| h |\n|---|\n| {md_code(text, in_table=True)} |\n")
    assert f"<code>{text.replace('<', '&lt;')}</code>" in rendered, rendered


def test_json_text_escapes_what_json_leaves_raw() -> None:
    raw = json.dumps({"p": "c1\x9b bidi\u202e raw\udc9b é"}, ensure_ascii=False)
    escaped = json_text(raw)
    assert escaped == '{"p": "c1\\u009b bidi\\u202e raw\\udc9b é"}'
    assert json.loads(escaped) == json.loads(raw)


def test_nesting_limit() -> None:
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok") is not None
    with pytest.raises(FormatError, match="x: JSON nested too deeply"):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "x")
    with pytest.raises(FormatError, match="x: JSON nested too deeply"):
        parse_json("[" * 100_000 + "]" * 100_000, "x")


def test_an_alias_bomb_is_walked_cheaply() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 30)]
    doc = yaml.safe_load("\n".join(lines))  # 9**30 paths through 30 shared lists
    check_depth(doc, "bomb", "YAML")
