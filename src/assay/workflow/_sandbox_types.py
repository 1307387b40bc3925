"""Values and the error of the proof sandbox (re-exported by `assay.workflow.sandbox`)."""

from __future__ import annotations

from dataclasses import dataclass

from assay.errors import AssayError


class SandboxError(AssayError):
    """The sandbox cannot run: bubblewrap missing or unusable, or bad arguments."""


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one sandboxed run (all hard limits)."""

    cpu_seconds: int = 60
    address_space_bytes: int = 2 * 1024**3
    """Per process (RLIMIT_AS): the most one process may map."""
    memory_bytes: int = 2 * 1024**3
    """For the whole sandbox: a cgroup limit, else the watchdog (see _sandbox_memory)."""
    file_size_bytes: int = 64 * 1024**2
    open_files: int = 256
    processes: int = 64
    wall_seconds: float = 120.0
    tmp_size_bytes: int = 256 * 1024**2
    """Size of the writable /tmp (a tmpfs lives in memory, so it is capped too)."""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value <= 0:
                raise SandboxError(f"sandbox limit {name} must be positive, got {value}")

    def rlimits(self, *, processes: bool) -> dict[str, str]:
        """The limits as `prlimit` options (the process limit only inside a namespace)."""
        limits = {"cpu": f"{self.cpu_seconds}:{self.cpu_seconds + 1}",
                  "as": str(self.address_space_bytes), "fsize": str(self.file_size_bytes),
                  "nofile": str(self.open_files), "core": "0"}
        if processes:
            limits["nproc"] = str(self.processes)
        return limits


@dataclass(frozen=True)
class SandboxResult:
    """What a sandboxed command did. `returncode` is None when it was killed on timeout."""

    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    duration: float
    sandboxed: bool
    argv: tuple[str, ...]
    killed_reason: str = ""
    memory_mechanism: str = ""
    """What bounded the sandbox's memory: cgroup-v2, cgroup-v1 or watchdog."""
    memory_peak_bytes: int | None = None
    """The most memory the sandbox used, as that mechanism measured it."""
