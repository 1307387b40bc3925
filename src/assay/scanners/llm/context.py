"""Context assembly: the conversation sent to the model, kept within its window.

Truncation policy (docs/llm.md), applied after every turn is added:

1. The size of a request is estimated as characters / 3 tokens (conservative for code);
   the input budget is `context_window - max_tokens` minus the system prompt and tools.
2. The system prompt, the first user turn (the scope) and the latest exchange are never
   cut.
3. Over budget, the oldest tool results are elided first: their content is replaced by a
   stub naming the tool and the size, so the model can call the tool again if it still
   needs it.
4. Still over budget, or past `max_messages`, the oldest whole exchanges (an assistant
   turn with its tool results) are dropped, and the scope turn says how many were.

Findings are never lost by truncation: they are recorded by the harness when reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assay.scanners.llm.codec import message_hash
from assay.scanners.llm.interface import Message, ToolResult

CHARS_PER_TOKEN = 3
MESSAGE_OVERHEAD = 16


@dataclass(frozen=True)
class Fit:
    """What one `add` had to cut."""

    elided: int = 0
    dropped: int = 0


def _stub(result: ToolResult) -> ToolResult:
    note = (f"[elided to fit the context window: {result.name} result of "
            f"{len(result.content)} characters; call the tool again if you need it]")
    return replace(result, content=note)


class Conversation:
    """The messages of one run with the truncation policy applied."""

    def __init__(self, fixed_chars: int, window_tokens: int, max_messages: int) -> None:
        self.budget = window_tokens * CHARS_PER_TOKEN - fixed_chars
        self.max_messages = max_messages
        self.messages: list[Message] = []
        self.hashes: list[str] = []
        self.sizes: list[int] = []
        self.elided = 0
        self.dropped = 0
        self._first_text = ""

    @property
    def chars(self) -> int:
        """Estimated size of the messages, in characters."""
        return sum(self.sizes)

    @property
    def overflow(self) -> bool:
        """True when even the uncuttable part is over budget."""
        return self.chars > self.budget

    def add(self, message: Message) -> Fit:
        """Append a turn, then cut what the policy says."""
        if not self.messages:
            self._first_text = message.text
        self._append(message)
        return self._fit()

    def _append(self, message: Message) -> None:
        self.messages.append(message)
        self.hashes.append(message_hash(message))
        self.sizes.append(message.size + MESSAGE_OVERHEAD)

    def _set(self, index: int, message: Message) -> None:
        self.messages[index] = message
        self.hashes[index] = message_hash(message)
        self.sizes[index] = message.size + MESSAGE_OVERHEAD

    def _last_group_start(self) -> int:
        for i in range(len(self.messages) - 1, 0, -1):
            if self.messages[i].role == "assistant":
                return i
        return len(self.messages)

    def _fit(self) -> Fit:
        elided = dropped = 0
        while self.chars > self.budget or len(self.messages) > self.max_messages:
            if self.chars > self.budget and self._elide_oldest():
                elided += 1
            elif self._drop_oldest():
                dropped += 1
            else:
                break
        self.elided += elided
        self.dropped += dropped
        if dropped:
            note = (f"\n\n[context note: {self.dropped} earlier exchange(s) were removed to "
                    "stay within the model's context window; findings already reported are "
                    "kept]")
            self._set(0, replace(self.messages[0], text=self._first_text + note))
        return Fit(elided, dropped)

    def _elide_oldest(self) -> bool:
        for i in range(1, self._last_group_start()):
            m = self.messages[i]
            if m.role == "tool" and any(not r.content.startswith("[elided") for r in m.results):
                self._set(i, replace(m, results=tuple(
                    r if r.content.startswith("[elided") else _stub(r) for r in m.results)))
                return True
        return False

    def _drop_oldest(self) -> bool:
        last = self._last_group_start()
        if last <= 1 or self.messages[1].role != "assistant":
            return False
        end = 2
        while end < len(self.messages) and self.messages[end].role != "assistant":
            end += 1
        if end > last:
            return False
        del self.messages[1:end], self.hashes[1:end], self.sizes[1:end]
        return True
