"""GitHub's primaryLocationLineHash, checked against the test vectors published with
github/codeql-action (src/fingerprints.test.ts)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.normalize.linehash import line_hash, line_hashes

VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d",
     ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1",
      "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
]
TRAILING = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1"]


@pytest.mark.parametrize(("text", "expected"), VECTORS)
def test_published_vectors(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == expected


@pytest.mark.parametrize("text", [
    " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
    " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
    " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
    " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
])
def test_line_endings_are_equivalent(text: str) -> None:
    assert line_hashes(text) == TRAILING


def test_repeated_lines_are_numbered() -> None:
    hashes = line_hashes("Lorem ipsum dolor sit amet.\n" * 10)
    assert hashes[:6] == [f"a7f2ff13bc495cf2:{i}" for i in range(1, 7)]
    assert hashes[6:] == ["a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1",
                          "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]


def test_single_line_lookup() -> None:
    assert line_hash(" a\nb\n  \t\tc\n d", 2) == "54703d4cd895b18:1"
    assert line_hash("x\n", 99) == ""


def _reference(text: str) -> list[str]:
    """A direct transcription of the rolling algorithm, character by character."""
    units = [b[0] | (b[1] << 8) for b in zip(*[iter(text.encode("utf-16-le", "surrogatepass"))] * 2,
                                             strict=True)] + [65535]
    window, lines = [0] * 100, [-1] * 100
    value, index, number, line_start, prev_cr = 0, 0, 0, True, False
    first, counts, out = pow(37, 100, 1 << 64), {}, []

    def emit() -> None:
        key = format(value % (1 << 64), "x")
        counts[key] = counts.get(key, 0) + 1
        out.append(f"{key}:{counts[key]}")
        lines[index] = -1

    def update(unit: int) -> None:
        nonlocal value, index
        begin, window[index] = window[index], unit
        value = (37 * value + unit - first * begin) % (1 << 64)
        index = (index + 1) % 100

    for unit in units:
        if unit in (32, 9) or (prev_cr and unit == 10):
            prev_cr = False
            continue
        prev_cr = unit == 13
        unit = 10 if prev_cr else unit
        if lines[index] != -1:
            emit()
        if line_start:
            line_start, number = False, number + 1
            lines[index] = number
        line_start = unit == 10
        update(unit)
    for _ in range(100):
        if lines[index] != -1:
            emit()
        update(0)
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\r", "\n", "é", "😀", "x"]),
               max_size=400))
def test_matches_the_rolling_algorithm(text: str) -> None:
    assert line_hashes(text) == _reference(text)
