"""Whether a subprocess call Bandit flags runs a fixed program with a list of arguments.

Bandit's B603 ("subprocess call without a shell: check for execution of untrusted
input") and B607 ("starting a process with a partial executable path") report every
`subprocess.run([...])`, whatever the list holds. Without a shell, each element of the
list reaches the program as one argument: no value in it can become a command of its
own. Positive evidence that the call runs a fixed program, as constants are
(normalize/constant_args.py):

- the command (the first argument, or `args=`) is a list or tuple literal, or a name
  of the function every assignment of which is one (`cmd = ["pandoc", ...]`), changed
  only by adding arguments at its end (`cmd.append(x)`, `cmd.extend(xs)`, `cmd += [...]`);
- its first element is a string literal (or a module-level name bound once to one:
  `TRACEROUTE = "/usr/sbin/traceroute"`) naming a program that does not run its own
  arguments as code or as a command: not a shell, not an interpreter (`python`, `perl`,
  `node`, ...), not a program that runs another (`env`, `sudo`, `ssh`, `xargs`,
  `timeout`, ...);
- `shell=` is absent or literally False, and there is no `executable=` (it replaces the
  program).

What such a call can still suffer is argument injection (a value starting with `-`
read as an option), which neither check describes; the dataflow rules report a whole
command, or a shell, built from request data.
"""

from __future__ import annotations

import ast
import functools
import re

from assay.normalize.constant_args import at_line, module_constants
from assay.normalize.reaching import Function, dotted, is_name, is_parameter

CHECKS = frozenset({"B603", "B607"})
_RUNS = frozenset({"run", "call", "check_call", "check_output", "Popen"})
# programs that run their arguments as code, or as another program's command line
_RUNNERS = frozenset({
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "csh", "tcsh", "fish", "ash", "busybox",
    "cmd", "powershell", "pwsh", "perl", "ruby", "node", "nodejs", "deno", "bun", "php",
    "lua", "luajit", "rscript", "osascript", "tclsh", "wish", "awk", "gawk", "mawk",
    "env", "sudo", "su", "doas", "runuser", "ssh", "xargs", "nice", "ionice", "nohup",
    "timeout", "time", "stdbuf", "chroot", "setsid", "strace", "ltrace", "watch", "flock",
    "script", "eval", "exec", "parallel", "taskset", "unshare", "nsenter", "firejail",
    "bwrap", "systemd-run", "start", "gdb", "expect", "find",
})
_INTERPRETER = re.compile(r"(?:python|pypy|jython|perl|ruby|php|node|lua)[\d.]*(?:w)?$")
_GROWING = frozenset({"append", "extend"})
_READING = frozenset({"copy", "count", "index"})


def fixed_program(source: bytes, line: int) -> bool:
    """Whether every subprocess call starting at `line` runs a fixed program with a list
    of arguments and no shell (see the module doc); False when there is none."""
    tree = _parsed(source)
    if tree is None:
        return False
    nodes, function = at_line(tree, line)
    calls = [n for n in nodes if isinstance(n, ast.Call) and _runs(n.func)]
    programs = _program_names(tree)
    return bool(calls) and all(_fixed(call, function, programs) for call in calls)


@functools.lru_cache(maxsize=32)
def _program_names(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound once to a string literal (a program's path, say)."""
    return {name: value.value for name, value in module_constants(tree).items()
            if "." not in name and isinstance(value, ast.Constant)
            and isinstance(value.value, str)}


@functools.lru_cache(maxsize=32)
def _parsed(source: bytes) -> ast.Module | None:
    """The file parsed once for all its findings (None: it does not parse)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _runs(func: ast.expr) -> bool:
    return dotted(func).rsplit(".", 1)[-1] in _RUNS


def _fixed(call: ast.Call, function: Function | None, programs: dict[str, str]) -> bool:
    keywords = {k.arg: k.value for k in call.keywords}
    if None in keywords or "executable" in keywords:
        return False  # `**options` may hold a shell or an executable
    shell = keywords.get("shell")
    if shell is not None and not (isinstance(shell, ast.Constant) and shell.value is False):
        return False
    command = call.args[0] if call.args else keywords.get("args")
    if isinstance(command, ast.Name) and function is not None:
        return _fixed_name(command.id, function, programs)
    return command is not None and _fixed_list(command, programs)


def _fixed_list(node: ast.expr, programs: dict[str, str]) -> bool:
    """A list or tuple literal whose first element names a program that runs no other."""
    if not isinstance(node, ast.List | ast.Tuple) or not node.elts:
        return False
    first = node.elts[0]
    text = first.value if isinstance(first, ast.Constant) else \
        programs.get(first.id) if isinstance(first, ast.Name) else None
    if not isinstance(text, str):
        return False
    program = re.split(r"[/\\]", text.strip())[-1].lower().removesuffix(".exe")
    return bool(program) and program not in _RUNNERS and not _INTERPRETER.match(program)


def _fixed_name(name: str, function: Function, programs: dict[str, str]) -> bool:
    """Every assignment of `name` in the function a fixed list; every other use of it
    one that adds arguments at its end, or reads it."""
    assigned = False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if _binds(target, name):
                    if not (isinstance(target, ast.Name)
                            and _fixed_list(node.value, programs)):
                        return False
                    assigned = True
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr | ast.For | ast.AsyncFor
                        | ast.comprehension | ast.withitem | ast.ExceptHandler):
            if _binds_in(node, name) and not _fixed_annotated(node, name, programs):
                return False
            assigned |= isinstance(node, ast.AnnAssign) and _binds(node.target, name)
        elif isinstance(node, ast.AugAssign) and _binds(node.target, name):
            if not (isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name)):
                return False
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == name and node.attr not in _GROWING | _READING:
            return False  # `cmd.insert(0, ...)`, `cmd.pop(0)`, `cmd.reverse()`
        elif isinstance(node, ast.Subscript | ast.Starred) and is_name(node.value, name) \
                and not isinstance(node.ctx, ast.Load):
            return False  # `cmd[0] = ...`, `del cmd[0]`
        elif isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return False
    return assigned and not is_parameter(function, name)


def _fixed_annotated(node: ast.AST, name: str, programs: dict[str, str]) -> bool:
    return isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
        and node.value is not None and _fixed_list(node.value, programs)


def _binds_in(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    target = node.optional_vars if isinstance(node, ast.withitem) else \
        getattr(node, "target", None)
    return target is not None and _binds(target, name)


def _binds(target: ast.AST, name: str) -> bool:
    return any(is_name(n, name) for n in ast.walk(target))
