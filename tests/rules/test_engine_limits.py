"""Semgrep CE limits the pack works around, one test each.

Every test runs the pack's command-injection rule over a small file, and where the
limit can be shown, a control copy of the rule without the workaround: the control
fails the way the engine does (when a Semgrep release fixes the limit, the control
assertion fails and the workaround can go).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay.scanners.semgrep import RULES_DIR, find_semgrep

RULE = "assay.python.command-injection.taint"
HEAD = "import os\nimport re\nfrom flask import request, abort\nALLOWED = {'a', 'b'}\n\n\n"

SNIPPETS = {
    # slicing: the CE engine drops the taint of `x` in `x[a:b]` (semgrep issue #6203)
    "slice_assigned.py": "def view():\n    x = request.args['x']\n    y = x[2:]\n"
                         "    os.system(y)\n",
    "slice_inline.py": "def view():\n    x = request.args['x']\n    os.system('ls ' + x[:40])\n",
    "slice_of_source.py": "def view():\n    os.system(request.args.get('x', '')[:40])\n",
    # dicts: a constant written to one key erases the taint of every key
    "dict_other_key_written.py": "def view():\n    d = {}\n    d['cmd'] = request.args['x']\n"
                                 "    d['mode'] = 'fast'\n    os.system(d['cmd'])\n",
    "dict_constant_key_read.py": "def view():\n    d = {'cmd': 'uptime', 'x': request.args['x']}\n"
                                 "    os.system(d['cmd'])\n",
    # comprehensions: the taint of the iterable does not reach the comprehension
    "comprehension.py": "def view():\n    xs = request.args.getlist('x')\n"
                        "    os.system(' '.join(f'-{x}' for x in xs))\n",
    "comprehension_of_numbers.py": "def view():\n    xs = request.args.getlist('x')\n"
                                   "    os.system(' '.join([str(int(x)) for x in xs]))\n",
    # constant conditions: branches that never run
    "dead_then.py": "def view():\n    x = request.args['x']\n    n = 3\n    if n * 2 > 10:\n"
                    "        cmd = 'ls ' + x\n    else:\n        cmd = 'uptime'\n"
                    "    os.system(cmd)\n",
    "dead_ternary.py": "def view():\n    x = request.args['x']\n    n = 196\n"
                       "    cmd = 'uptime' if (500 / 42) + n > 200 else x\n    os.system(cmd)\n",
    "live_branch.py": "def view():\n    x = request.args['x']\n    n = 3\n    if n * 2 < 10:\n"
                      "        cmd = 'ls ' + x\n    else:\n        cmd = 'uptime'\n"
                      "    os.system(cmd)\n",
    "unknown_condition.py": "def view():\n    x = request.args['x']\n"
                            "    if request.args.get('f'):\n        os.system(x)\n",
}
GUARDS = {
    "guard_allowlist_abort.py": "    if x not in ALLOWED:\n        abort(400)\n",
    "guard_allowlist_return.py": "    if x not in ALLOWED:\n        return 'no'\n",
    "guard_allowlist_reset.py": "    if x not in ALLOWED:\n        x = 'a'\n",
    "guard_regex.py": "    if not re.fullmatch(r'[a-z]+', x):\n        raise ValueError(x)\n",
    "guard_charclass.py": "    if not x.isalnum():\n        abort(400)\n",
    "guard_validator.py": "    if not is_safe_name(x):\n        abort(400)\n",
}
for name, guard in GUARDS.items():
    SNIPPETS[name] = f"def view():\n    x = request.args['x']\n{guard}    os.system('ls ' + x)\n"
SNIPPETS["guard_without_exit.py"] = ("def view():\n    x = request.args['x']\n"
                                     "    if x not in ALLOWED:\n        print('bad')\n"
                                     "    os.system('ls ' + x)\n")
SNIPPETS["use_before_guard.py"] = ("def view():\n    x = request.args['x']\n    os.system(x)\n"
                                   "    if x not in ALLOWED:\n        abort(400)\n")
SNIPPETS["guard_block.py"] = ("def view():\n    x = request.args['x']\n    if x in ALLOWED:\n"
                              "        os.system('ls ' + x)\n    os.system(x)\n")


def _pack() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((RULES_DIR / "taint.yaml").read_text())
    return loaded


def _rule(without: list[Any]) -> dict[str, Any]:
    """The command-injection rule, with the given shared entries removed (a control)."""
    pack = _pack()
    rule = copy.deepcopy(next(r for r in pack["rules"] if r["id"] == RULE))
    for key in ("pattern-sources", "pattern-propagators", "pattern-sanitizers"):
        rule[key] = [e for e in rule.get(key, []) if e not in without]
    rule["id"] = "control"
    return rule


def _run(rules: list[dict[str, Any]], target: Path) -> dict[str, list[int]]:
    config = target.parent / f"rules-{len(list(target.parent.glob('rules-*')))}.yaml"
    config.write_text(yaml.safe_dump({"rules": rules}))
    binary = find_semgrep()
    assert binary is not None
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    out = subprocess.run([binary, "scan", "--json", "--quiet", "--metrics=off",
                          "--disable-version-check", "--config", str(config), "."],
                         cwd=target, env=env, capture_output=True, text=True, check=False,
                         timeout=600)
    doc = json.loads(out.stdout)
    lines: dict[str, list[int]] = {name: [] for name in SNIPPETS}
    for result in doc["results"]:
        lines[Path(result["path"]).name].append(result["start"]["line"])
    return lines


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[int]]]:
    target = tmp_path_factory.mktemp("limits") / "src"
    target.mkdir()
    for name, body in SNIPPETS.items():
        (target / name).write_text(HEAD + body)
    shared = _pack()["x-shared"]
    pack_rule = next(r for r in _pack()["rules"] if r["id"] == RULE)
    controls = {
        "slices": [shared["propagators"][0], shared["request-data"][-1]],
        "dicts": [shared["propagators"][-1], shared["propagators"][-2], shared["constant-key"]],
        "comprehensions": [shared["propagators"][-4], shared["propagators"][-3]],
        "dead": [shared[k] for k in ("dead-then", "dead-then-with-else", "dead-else",
                                     "dead-ternary-else", "dead-ternary-then")],
    }
    out = {"pack": _run([pack_rule], target)}
    for name, without in controls.items():
        out[name] = _run([_rule(without)], target)
    return out


def test_slicing_keeps_taint_through_a_propagator(results: dict[str, Any]) -> None:
    for name in ("slice_assigned.py", "slice_inline.py", "slice_of_source.py"):
        assert results["pack"][name], name
        assert not results["slices"][name], f"{name}: the engine no longer drops the taint"


def test_constant_write_to_another_key_keeps_the_taint(results: dict[str, Any]) -> None:
    assert results["pack"]["dict_other_key_written.py"]
    assert not results["dicts"]["dict_other_key_written.py"]


def test_constant_key_read_is_not_tainted_by_other_keys(results: dict[str, Any]) -> None:
    assert not results["pack"]["dict_constant_key_read.py"]
    assert results["dicts"]["dict_constant_key_read.py"]


def test_a_comprehension_keeps_the_taint_of_its_iterable(results: dict[str, Any]) -> None:
    assert results["pack"]["comprehension.py"]
    assert not results["comprehensions"]["comprehension.py"]
    assert not results["pack"]["comprehension_of_numbers.py"]  # items made numbers


def test_constant_false_branches_are_folded(results: dict[str, Any]) -> None:
    for name in ("dead_then.py", "dead_ternary.py"):
        assert not results["pack"][name], name
        assert results["dead"][name], name
    assert results["pack"]["live_branch.py"]
    assert results["pack"]["unknown_condition.py"]


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_each_guard_form_sanitizes_from_the_guard_on(name: str,
                                                     results: dict[str, Any]) -> None:
    assert not results["pack"][name]


def test_guards_need_an_exit_and_apply_only_after_the_guard(results: dict[str, Any]) -> None:
    assert results["pack"]["guard_without_exit.py"]
    assert results["pack"]["use_before_guard.py"] == [9]
    assert results["pack"]["guard_block.py"] == [11]  # inside the block is safe
