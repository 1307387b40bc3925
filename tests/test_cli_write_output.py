"""`--output` pointing at a device or a pipe is written through, never replaced."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from assay.cli.app import write_output


def test_dev_null_stays_a_device() -> None:
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        pytest.skip("/dev/null is not a device on this machine")
    write_output("{}\n", Path("/dev/null"))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_output("report\n", fifo)
    reader.join(timeout=30)
    assert received == ["report\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_regular_file_is_still_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    write_output("new", target)
    assert target.read_text() == "new"
    assert not list(tmp_path.glob(".*assay-tmp"))
