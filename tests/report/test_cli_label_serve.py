"""`assay label serve` as a process: prints its address, takes verdicts, stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from assay.ledger import open_ledger
from assay.ledger.labels import labels_of, list_sample
from tests.helpers import GitRepo
from tests.report.test_label_ledger_browser import sampled_ledger
from tests.scanners.test_bad_input import assay, assert_one_line_error


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_serve(repo: GitRepo, ledger: Path, *args: str, sigint_ignored: bool = False,
                ) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "assay", "label", "serve", str(repo.path),
                             "--no-open", "--ledger", str(ledger), *args],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=os.environ.copy(),
                            preexec_fn=_ignore_sigint if sigint_ignored else None)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        proc.kill()
        raise AssertionError(f"no address in {line!r}: {proc.stderr.read()}")
    return proc, found.group(0)


def post_label(url: str, token: str, item_id: int, verdict: str) -> dict[str, object]:
    request = urllib.request.Request(
        url + "api/label", method="POST", data=json.dumps({"id": item_id,
                                                           "label": verdict}).encode(),
        headers={"Content-Type": "application/json", "X-Assay-Token": token})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def test_serve_records_labels_and_stops_cleanly(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    sample_id, _ = sampled_ledger(repo, ledger)
    proc, url = start_serve(repo, ledger, "--labeler", "alice")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode()
        token = re.search(r'name="assay-token" content="([^"]+)"', page)
        assert token is not None
        with urllib.request.urlopen(url + "api/items", timeout=10) as response:
            items = json.loads(response.read())["items"]
        assert post_label(url, token.group(1), items[0]["position"], "true")["ok"] is True
        assert post_label(url, token.group(1), items[1]["position"], "false")["ok"] is True
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    total = len(items)
    assert f"2/{total} items labeled" in err
    with open_ledger(ledger) as store:
        labels = labels_of(store, sample_id)
        first_two = [i.item_id for i in list_sample(store, sample_id)[:2]]
    assert [(lb.item_id, lb.verdict.value, lb.labeler, lb.source) for lb in labels] == [
        (first_two[0], "true", "alice", "serve"), (first_two[1], "false", "alice", "serve")]


def test_serve_bad_input(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    sampled_ledger(repo, ledger)
    assert_one_line_error(assay("label", "serve", "--no-open", "--ledger", str(ledger),
                                "--sample", "nope", cwd=repo.path), "does not exist")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        assert_one_line_error(assay("label", "serve", "--no-open", "--ledger", str(ledger),
                                    "--port", port, cwd=repo.path), "cannot listen")
    empty = tmp_path / "empty.db"
    assert_one_line_error(assay("label", "serve", "--no-open", "--ledger", str(empty),
                                cwd=repo.path), "no label samples")


def test_ctrl_c_stops_the_server_started_as_a_background_job(repo: GitRepo,
                                                             tmp_path: Path) -> None:
    """A background job of a non-interactive shell inherits SIGINT ignored; Ctrl-C and
    SIGTERM must still stop the server (control: it was serving)."""
    ledger = tmp_path / "ledger.db"
    sampled_ledger(repo, ledger)
    for stop in (signal.SIGINT, signal.SIGTERM):
        proc, url = start_serve(repo, ledger, sigint_ignored=True)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
        finally:
            proc.send_signal(stop)
            _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "items labeled" in err
