"""Thin, safe wrappers around the git command line.

The repository is untrusted: its `.git/config`, `.gitattributes` and index may have been
written by an attacker. Reading it must never run a program from them, so every call

- runs plumbing commands that read objects, the index and directories, and nothing that
  hashes work tree files (git would run a `.gitattributes` clean filter on them): which
  tracked files changed is decided here from the index's stat data (`ls_index`);
- passes `-c` overrides for the settings that name programs git may start on its own
  (fsmonitor, hooks, pager, ssh) and keeps `safe.directory=*`, so repositories owned by
  another user work;
- gets a minimal environment (PATH, HOME, the locale): no inherited `GIT_*` variable can
  redirect it and no secret of the caller's environment reaches it; no system-wide
  configuration or attributes, no replace objects, and no transport at all (a partial
  clone would otherwise fetch missing objects from a remote its configuration names,
  through any command it names);
- treats every path as a literal path, after `--`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from assay.repo.interface import RepoError

_SAFE = ("--no-pager", "--literal-pathspecs",
         "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false",
         "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
         "-c", "core.sshCommand=false", "-c", "protocol.allow=never")
_PASSED = ("PATH", "HOME", "XDG_CONFIG_HOME", "TMPDIR")
_FIXED = {
    "LC_ALL": "C",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_ALLOW_PROTOCOL": "none",  # overrides protocol.<name>.allow of any configuration
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_PAGER": "cat",
}
_U32 = 0xFFFFFFFF  # the index keeps stat fields in 32 bits


def git_env() -> dict[str, str]:
    """The environment every git call gets: a few variables of ours, fixed settings."""
    env = {key: os.environ[key] for key in _PASSED if key in os.environ}
    env.update(_FIXED)
    return env


def run_git(root: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    """Run `git -C root args...` and return stdout; raise RepoError with git's message."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *_SAFE, *args],
            input=stdin,
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except FileNotFoundError:
        raise RepoError("git is not installed", "install git, or scan without --rev") from None
    if proc.returncode != 0:
        raise _failure(proc.stderr, args[0])
    return proc.stdout


def _failure(stderr: bytes, command: str) -> RepoError:
    """git's own reason (its `fatal:` or `error:` line, else its first), as a RepoError."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    first = next((line for line in lines if line.startswith(("fatal:", "error:"))),
                 lines[0] if lines else f"git {command} failed")
    reason = first.removeprefix("fatal: ").removeprefix("error: ")
    if "promisor remote" in reason or "lazy fetch" in reason:
        return RepoError(reason, "objects missing from a partial clone are never fetched: "
                                 "fetch them first (git fetch --refetch, or a full clone)")
    return RepoError(reason)


def toplevel(path: Path) -> Path | None:
    """The work tree root containing `path`, or None when it is not in a git work tree.

    The root is the nearest directory above `path` holding `.git`; a `core.worktree`
    setting that names another directory is not followed (None then: the directory is
    read as a plain directory).
    """
    probe = path if path.is_dir() else path.parent
    try:
        out = run_git(probe, ["rev-parse", "--show-toplevel"])
    except RepoError:
        return None
    top = Path(out.decode("utf-8", "surrogateescape").rstrip("\n"))
    nearest = next((d for d in (probe.resolve(), *probe.resolve().parents)
                    if os.path.lexists(d / ".git")), None)
    return top if nearest is not None and nearest == top.resolve() else None


def resolve_commit(root: Path, rev: str) -> str:
    """The full commit id `rev` names; RepoError when it names none."""
    if rev.startswith("-"):
        raise RepoError(f"invalid revision {rev!r}")
    try:
        return run_git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options",
                              f"{rev}^{{commit}}"]).decode().strip()
    except RepoError:
        raise RepoError(
            f"unknown revision {rev!r} in {root}",
            "check the name with `git log --oneline`, or fetch it first",
        ) from None


def head_commit(root: Path) -> str | None:
    """HEAD's commit id, or None in a repository without commits."""
    try:
        return resolve_commit(root, "HEAD")
    except RepoError:
        return None


@dataclass(frozen=True)
class TreeEntry:
    """One blob of a tree listing."""

    mode: str
    oid: str
    size: int
    path: str

    @property
    def symlink(self) -> bool:
        """True for a symbolic link (mode 120000)."""
        return self.mode == "120000"


def ls_tree(root: Path, commit: str, prefix: str = "") -> list[TreeEntry]:
    """Every blob in `commit` (under `prefix`), with sizes; submodules are left out."""
    args = ["ls-tree", "-r", "-z", "-l", "--full-tree", commit]
    if prefix and prefix != ".":
        args += ["--", prefix]
    entries = []
    for record in run_git(root, args).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid, size = meta.decode().split()
        if kind != "blob":
            continue
        entries.append(TreeEntry(mode, oid, int(size), name.decode("utf-8", "surrogateescape")))
    return entries


@dataclass(frozen=True)
class LinkTarget:
    """What a symbolic link of a commit leads to, as git resolves it inside the commit.

    `kind` is `blob`, `tree` or `commit` (found inside the tree, with its id and size),
    `symlink` (the link leaves the tree), or `dangling`, `loop`, `notdir`, `missing`.
    """

    kind: str
    oid: str = ""
    size: int = 0


def follow_links(root: Path, commit: str, paths: Sequence[str]) -> dict[str, LinkTarget]:
    """Where each symbolic link `paths` of `commit` leads (one `git cat-file` process)."""
    if not paths:
        return {}
    names = [p.encode("utf-8", "surrogateescape") for p in paths]
    wanted = [commit.encode() + b":" + name for name in names]
    out = run_git(root, ["cat-file", "--batch-check", "--follow-symlinks", "-z"],
                  stdin=b"\0".join(wanted) + b"\0")
    found: dict[str, LinkTarget] = {}
    pos = 0
    for path, request in zip(paths, wanted, strict=True):
        if out.startswith(request + b" missing\n", pos):
            found[path] = LinkTarget("missing")
            pos += len(request) + len(b" missing\n")
            continue
        end = out.index(b"\n", pos)
        head = out[pos:end].decode("utf-8", "replace").split()
        pos = end + 1
        if len(head) == 3:
            found[path] = LinkTarget(head[1], head[0], int(head[2]))
        else:  # `symlink|dangling|loop|notdir SIZE`, then SIZE bytes and a newline
            pos += int(head[1]) + 1
            found[path] = LinkTarget(head[0])
    return found


class IndexEntry(NamedTuple):
    """One stage-0 entry of the index: mode, blob id ('' for a path with merge
    conflicts) and the stat data git recorded when it last saw the file, as
    `ls-files --debug` prints them. (A named tuple, not a dataclass: a large index has
    hundreds of thousands of them.)"""

    mode: bytes
    oid: str
    stat: bytes = b""

    @property
    def symlink(self) -> bool:
        """True for a symbolic link (mode 120000)."""
        return self.mode == b"120000"


# one record of `ls-files -s --debug -z`: mode, id, stage, name, then five lines of stat
# data (kept as printed, up to the flags)
_INDEX_RECORD = re.compile(
    rb"(\d+) ([0-9a-f]+) (\d)\t([^\0]*)\0"
    rb"(  ctime: \d+:\d+\n  mtime: \d+:\d+\n  dev: \d+\tino: \d+\n"
    rb"  uid: \d+\tgid: \d+\n  size: \d+)\tflags: [0-9a-f]+\n")
_STAT_TEXT = b"  ctime: %d:%d\n  mtime: %d:%d\n  dev: %d\tino: %d\n  uid: %d\tgid: %d\n  size: %d"
_STAT_FIELDS = re.compile(rb"ctime: (\d+):(\d+)\n  mtime: (\d+):(\d+)\n.*ino: (\d+)\n.*"
                          rb"size: (\d+)", re.S)


def ls_index(root: Path, prefix: str = "") -> dict[str, IndexEntry]:
    """The index (submodules left out), by repo-relative path, with its stat data.

    Paths with merge conflicts get the blob id '' (their content must be hashed).
    """
    out = run_git(root, ["ls-files", "-s", "--debug", "-z", "--full-name",
                         *_pathspec(prefix)])
    records = _INDEX_RECORD.findall(out)
    if len(records) != out.count(b"\0"):  # one NUL ends each name
        raise RepoError("cannot read the index listing of git ls-files")
    entries: dict[str, IndexEntry] = {}
    for mode, oid, stage, name, stat_text in records:
        if mode in (b"160000", b"040000"):
            continue
        path = name.decode("utf-8", "surrogateescape")
        if stage == b"0" and path not in entries:
            entries[path] = IndexEntry(mode, oid.decode(), stat_text)
        else:
            entries[path] = IndexEntry(mode, "")
    return entries


def stat_matches(entry: IndexEntry, st: os.stat_result, index_mtime_ns: int) -> bool:
    """Whether a file's stat data are those the index recorded, so its blob id can be
    taken from the index: ctime, mtime, inode number and size (nanoseconds when the
    index has them). A file modified at or after the index was written ("racily
    clean") never matches."""
    if not entry.stat or st.st_mtime_ns >= index_mtime_ns:
        return False
    ctime_s, ctime_ns = divmod(st.st_ctime_ns, 1_000_000_000)
    mtime_s, mtime_ns = divmod(st.st_mtime_ns, 1_000_000_000)
    if entry.stat == _STAT_TEXT % (ctime_s & _U32, ctime_ns, mtime_s & _U32, mtime_ns,
                                   st.st_dev & _U32, st.st_ino & _U32, st.st_uid & _U32,
                                   st.st_gid & _U32, st.st_size & _U32):
        return True  # the common case: every field as git recorded it
    found = _STAT_FIELDS.search(entry.stat)
    if found is None:
        return False
    recorded = [int(v) for v in found.groups()]
    return (recorded[0] == ctime_s & _U32 and recorded[1] in (0, ctime_ns)
            and recorded[2] == mtime_s & _U32 and recorded[3] in (0, mtime_ns)
            and recorded[4:] == [st.st_ino & _U32, st.st_size & _U32])


def _names(out: bytes) -> set[str]:
    return {n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n}


def _pathspec(prefix: str) -> list[str]:
    return ["--", prefix] if prefix and prefix != "." else []


def ls_untracked(root: Path, prefix: str = "") -> set[str]:
    """Untracked paths that .gitignore does not exclude."""
    return _names(run_git(root, ["ls-files", "-z", "--others", "--exclude-standard",
                                 "--full-name", *_pathspec(prefix)]))


def listed(root: Path, paths: Iterable[str]) -> set[str]:
    """Those of `paths` that are tracked, or untracked and not ignored."""
    wanted = sorted(set(paths))
    if not wanted:
        return set()
    return _names(run_git(root, ["ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard", "--full-name", "--", *wanted]))


def staged(root: Path, commit: str, prefix: str = "") -> set[str]:
    """Paths whose index entry differs from `commit`."""
    return _names(run_git(root, ["diff-index", "--cached", "-z", "--name-only",
                                 "--no-ext-diff", "--no-textconv", commit,
                                 *_pathspec(prefix)]))


def cat_blobs(root: Path, oids: Iterable[str]) -> dict[str, bytes]:
    """Contents of blobs by id, read in one `git cat-file --batch` process."""
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    out = run_git(root, ["cat-file", "--batch"], stdin=("\n".join(wanted) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for oid in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].decode().split()
        if len(header) < 3 or header[1] != "blob":
            raise RepoError(f"git object {oid} is missing or not a blob",
                            "a partial clone's missing objects are never fetched: fetch "
                            "them first")
        size = int(header[2])
        start = header_end + 1
        blobs[oid] = out[start : start + size]
        pos = start + size + 1
    return blobs


def blob_id(data: bytes, algorithm: str = "sha1") -> str:
    """Git's blob id for `data` (as `git hash-object` computes it)."""
    digest = hashlib.new(algorithm)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class RepoInfo:
    """The repository's hash algorithm (sha1 or sha256) and when its index was written
    (nanoseconds; 0 without an index)."""

    algorithm: str = "sha1"
    index_mtime_ns: int = 0


def repo_info(root: Path) -> RepoInfo:
    """The hash algorithm and the index's modification time, from one git call."""
    try:
        out = run_git(root, ["rev-parse", "--show-object-format", "--git-path", "index"])
    except RepoError:
        return RepoInfo()
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    algorithm = lines[0].strip() if lines and lines[0].strip() else "sha1"
    try:
        mtime = os.stat(root / lines[1]).st_mtime_ns if len(lines) > 1 else 0
    except OSError:
        mtime = 0
    return RepoInfo(algorithm, mtime)
