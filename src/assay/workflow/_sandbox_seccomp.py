"""A small seccomp filter for the sandbox: deny the system calls a proof never needs.

Namespaces and dropped capabilities already stop mounts and the like; this filter adds
what they do not cover, above all the kernel keyrings (a process can read keys in the
session keyring it inherited from assay, whatever its uid), plus interfaces that are
mostly attack surface for an unprivileged process (bpf, userfaultfd, io_uring, perf
events, the kernel log, ptrace, module and kexec loading, the mount API), and memory a
process can hold without mapping it (memfd, System V shared memory and message queues),
which the memory watchdog would not see (see _sandbox_memory). Denied calls fail with
EPERM; system calls of a foreign ABI (i386 or x32 on x86-64) fail with ENOSYS.

The program is classic BPF as the kernel's seccomp takes it (struct sock_filter), built
here for x86-64 and arm64; on other machines the sandbox runs without it.
"""

from __future__ import annotations

import platform
import struct

_DENIED = (
    "add_key", "request_key", "keyctl", "ptrace", "syslog", "pivot_root", "mount", "umount2",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "unshare", "setns", "perf_event_open", "open_by_handle_at", "bpf", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "open_tree", "move_mount",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "memfd_create", "memfd_secret", "shmget", "msgget",
)

_X86_64 = dict(zip(_DENIED, (
    248, 249, 250, 101, 103, 155, 165, 166, 175, 313, 176, 246, 320, 272, 308, 298, 304,
    321, 323, 425, 426, 427, 428, 429, 430, 431, 432, 433, 442,
    319, 447, 29, 68), strict=True))
_AARCH64 = dict(zip(_DENIED, (
    217, 218, 219, 117, 116, 41, 40, 39, 105, 273, 106, 104, 294, 97, 268, 241, 265,
    280, 282, 425, 426, 427, 428, 429, 430, 431, 432, 433, 442,
    279, 447, 194, 186), strict=True))

# machine -> (AUDIT_ARCH_*, syscall numbers, has the x32 ABI)
_ARCHES = {
    "x86_64": (0xC000003E, _X86_64, True),
    "aarch64": (0xC00000B7, _AARCH64, False),
}
_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}

_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ARCH_OFFSET, _NR_OFFSET = 4, 0
_X32_SYSCALL_BIT = 0x40000000
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def seccomp_program(machine: str | None = None) -> bytes | None:
    """The filter for `machine` (default: this one), or None where there is none."""
    name = (machine or platform.machine()).lower()
    arch = _ARCHES.get(_ALIASES.get(name, name))
    if arch is None:
        return None
    audit_arch, numbers, x32 = arch
    checks = [(_JGE_K, _X32_SYSCALL_BIT)] if x32 else []
    checks += [(_JEQ_K, nr) for nr in sorted(numbers.values())]
    program = [_insn(_LD_ABS_W, _ARCH_OFFSET), _insn(_JEQ_K, audit_arch, jt=1),
               _insn(_RET_K, _RET_ERRNO | _ENOSYS), _insn(_LD_ABS_W, _NR_OFFSET)]
    for index, (code, value) in enumerate(checks):
        # jump over the remaining checks and the allow to the deny at the end
        program.append(_insn(code, value, jt=len(checks) - index))
    program += [_insn(_RET_K, _RET_ALLOW), _insn(_RET_K, _RET_ERRNO | _EPERM)]
    return b"".join(program)


def denied_syscalls() -> tuple[str, ...]:
    """The names of the system calls the filter denies."""
    return _DENIED
