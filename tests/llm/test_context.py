"""The context policy keeps requests within the window and the protocol valid."""

from __future__ import annotations

from assay.scanners.llm.context import CHARS_PER_TOKEN, Conversation
from assay.scanners.llm.interface import Message, ToolCall, ToolResult


def _exchange(conv: Conversation, n: int, size: int) -> None:
    conv.add(Message("assistant", tool_calls=(ToolCall(f"c{n}", "read_file", "{}"),)))
    conv.add(Message("tool", results=(ToolResult(f"c{n}", "read_file", "x" * size),)))


def _valid(conv: Conversation) -> None:
    roles = [m.role for m in conv.messages]
    assert roles[0] == "user" and roles[1] == "assistant"
    for i, message in enumerate(conv.messages):
        if message.role == "tool":
            calls = {c.id for c in conv.messages[i - 1].tool_calls}
            assert {r.call_id for r in message.results} == calls


def test_old_tool_results_are_elided_first() -> None:
    conv = Conversation(fixed_chars=0, window_tokens=3000, max_messages=100)
    conv.add(Message("user", "scope"))
    for n in range(5):
        _exchange(conv, n, 2500)
    assert conv.chars <= 3000 * CHARS_PER_TOKEN
    assert conv.elided == 2 and conv.dropped == 0
    contents = [m.results[0].content for m in conv.messages if m.role == "tool"]
    assert contents[0].startswith("[elided to fit the context window: read_file result of 2500")
    assert contents[-1] == "x" * 2500  # the latest exchange is never cut
    _valid(conv)


def test_exchanges_are_dropped_past_max_messages() -> None:
    conv = Conversation(fixed_chars=0, window_tokens=100_000, max_messages=9)
    conv.add(Message("user", "scope"))
    for n in range(10):
        _exchange(conv, n, 10)
    assert len(conv.messages) <= 9 and conv.dropped == 6
    assert conv.messages[0].text.startswith("scope\n\n[context note: 6 earlier exchange(s)")
    assert conv.messages[-1].results[0].call_id == "c9"
    _valid(conv)


def test_everything_too_big_is_flagged_not_lost() -> None:
    conv = Conversation(fixed_chars=0, window_tokens=100, max_messages=100)
    conv.add(Message("user", "scope"))
    _exchange(conv, 0, 5000)
    assert conv.overflow and conv.messages[-1].results[0].content == "x" * 5000
