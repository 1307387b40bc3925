"""The single-shot harness's units and reply reading, on plain values: every line of a
file is sent, no unit exceeds its room, parts overlap as documented, and replies are
read leniently once and otherwise named as a fault."""

from __future__ import annotations

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.scanners.llm.interface import ModelResponse, StopReason, ToolCall, Usage
from assay.scanners.llm.scope import Scope
from assay.scanners.llm.structured import output_spec, read_reply
from assay.scanners.llm.units import (
    CONTEXT_LINES,
    LINE_PREFIX,
    OVERLAP_LINES,
    plan,
    shown,
    split,
    windows,
)

LINES = st.lists(st.text(alphabet="ab =()", max_size=120), min_size=1, max_size=300)


@settings(max_examples=60, deadline=None)
@given(lines=LINES, room=st.integers(min_value=200, max_value=4000))
def test_split_covers_every_line_within_the_room(lines: list[str], room: int) -> None:
    units = split("a.py", lines, 1, len(lines), room)
    assert units[0].start == 1 and units[-1].end == len(lines)
    for unit in units:
        size = sum(len(shown(lines[n - 1])) + LINE_PREFIX + 1
                   for n in range(unit.start, unit.end + 1))
        assert size <= room or unit.start == unit.end
    for before, after in itertools.pairwise(units):
        assert after.start <= before.end + 1 and after.start > before.start
        assert after.end > before.end
        repeated = before.end + 1 - after.start
        assert repeated == min(OVERLAP_LINES, (before.end - before.start + 1) // 2)


def test_hunks_get_context_and_touching_hunks_merge() -> None:
    assert windows(200, ((100, 100),)) == [(100 - CONTEXT_LINES, 100 + CONTEXT_LINES)]
    assert windows(200, ((50, 52), (80, 81))) == [(30, 101)]
    assert windows(200, ((5, 4),)) == [(1, 25)]          # a deletion before line 5
    assert windows(200, ()) == [(1, 200)]                 # a mode change: the whole file
    assert windows(0, ((1, 1),)) == []                    # an empty file: nothing to send
    diff = Scope(("a.py",), (("a.py", ((190, 199),)),), "base")
    [unit] = plan(diff, "a.py", ["x"] * 200, 100_000)
    assert (unit.start, unit.end, unit.lines) == (170, 200, "170-200 of 200")


def _response(text: str = "", calls: tuple[ToolCall, ...] = (),
              stop: StopReason = StopReason.END) -> ModelResponse:
    return ModelResponse(text, calls, stop, Usage())


def test_replies_are_read_leniently_once() -> None:
    spec = output_spec("json_schema")
    finding = {"cwe": "CWE-89", "quote": "q", "start_line": 3}
    cases = {
        '{"findings": []}': ((), False),
        '```json\n{"findings": []}\n```': ((), True),
        'Here you go: {"findings": [], } thanks': ((), True),
        json.dumps([finding]): ((finding,), True),
        json.dumps(finding): ((finding,), True),
    }
    for text, (found, repaired) in cases.items():
        reply = read_reply(_response(text), spec)
        assert (reply.findings, reply.repaired, reply.fault) == (found, repaired, ""), text


def test_unusable_replies_name_their_fault() -> None:
    spec = output_spec("json_schema")
    cases = {
        "": "invalid_json",
        "The code looks fine to me.": "prose_replies",
        '{"findings": [{"cwe": ': "invalid_json",
        '{"results": []}': "invalid_json",
    }
    for text, fault in cases.items():
        reply = read_reply(_response(text), spec)
        assert (reply.findings, reply.fault) == (None, fault), text
        assert reply.problem
    cut = read_reply(_response('{"findings": []}', stop=StopReason.MAX_TOKENS), spec)
    assert (cut.findings, cut.fault) == (None, "truncated_replies")


def test_tool_mode_reads_the_forced_call() -> None:
    spec = output_spec("tool")
    assert spec is not None and spec.name == "report_findings"
    good = ToolCall("c1", "report_findings", '{"findings": []}')
    assert read_reply(_response(calls=(good,)), spec).findings == ()
    other = read_reply(_response(calls=(ToolCall("c2", "grep", "{}"),)), spec)
    assert (other.findings, other.fault) == (None, "malformed_calls")
    assert output_spec("none") is None
