"""Start-up cost: the command line loads only what the invoked command needs.

Every `assay` invocation builds the Typer application, and a pre-commit hook pays for its
imports on every commit. These tests run Python in a fresh process and look at
`sys.modules`: which modules were imported, not how long it took.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import GitRepo

# What no command needs to be registered: the use cases, storage, the LLM scanners and
# their SDKs, charts, templates, statistics, the scanners' engines, the configuration models.
HEAVY_AT_START = ("assay.api", "assay.app.gate", "assay.app.measure", "assay.app.report",
                  "assay.ledger.sqlite", "assay.scanners.llm", "openai", "anthropic",
                  "matplotlib", "jinja2", "scipy", "bandit", "pydantic",
                  "assay.scanners.semgrep")
# What a deterministic scan never uses.
NOT_IN_A_BANDIT_SCAN = ("openai", "anthropic", "matplotlib", "jinja2", "scipy",
                        "assay.scanners.llm", "assay.api", "assay.app.gate",
                        "assay.app.measure", "assay.app.report")

REGISTER_EVERY_COMMAND = """
import typer.main
import assay.cli
assay.cli._load_commands()
names = sorted(typer.main.get_command(assay.cli.app).commands)
"""


def modules_after(code: str, tmp_path: Path) -> tuple[set[str], dict[str, Any]]:
    """The modules imported by `code` run in a fresh interpreter, and the names it bound
    (its JSON-serializable globals that do not start with an underscore)."""
    out = tmp_path / "modules.json"
    epilogue = f"""
import json, sys
_values = {{k: v for k, v in list(globals().items()) if not k.startswith("_")
           and isinstance(v, (int, str, list))}}
with open({str(out)!r}, "w", encoding="utf-8") as _handle:
    json.dump({{"modules": sorted(sys.modules), "values": _values}}, _handle)
"""
    subprocess.run([sys.executable, "-c", code + epilogue], check=True, timeout=600)
    data = json.loads(out.read_text(encoding="utf-8"))
    return set(data["modules"]), data["values"]


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `modules` that are one of `names` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_registering_every_command_imports_nothing_heavy(tmp_path: Path) -> None:
    modules, values = modules_after(REGISTER_EVERY_COMMAND, tmp_path)
    assert heavy(modules, HEAVY_AT_START) == []
    # control: every command really was registered (with its options built), so the
    # check above looked at a complete command line
    assert {"scan", "gate", "tier", "prove", "replay", "runs", "show", "report", "eval",
            "drift", "compare", "label", "findings"} <= set(values["names"])
    assert {"assay.cli.scan", "assay.cli.report", "assay.cli.label_serve"} <= modules


def test_the_probe_sees_heavy_imports(tmp_path: Path) -> None:
    """Control: the same probe finds the heavy modules when they are imported, so an empty
    list above means they were not."""
    modules, _ = modules_after("import assay.api\nimport assay.scanners.llm\n", tmp_path)
    assert {"assay.api", "assay.app.gate", "assay.ledger.sqlite", "assay.scanners.llm",
            "pydantic", "jinja2"} <= set(heavy(modules, HEAVY_AT_START))


def test_a_bandit_scan_imports_no_llm_sdk_chart_or_template(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "import subprocess\n\nsubprocess.call('ls', shell=True)\n")
    repo.write("util.py", "X = 1\n")
    repo.commit()
    code = f"""
import sys
from assay.cli import main
try:
    main(["scan", "-q", "-s", "bandit", "-j", "1", "-f", "json", "-o",
          {str(tmp_path / "run.json")!r}, {str(repo.path)!r}])
except SystemExit as exc:
    exit_code = exc.code
"""
    modules, values = modules_after(code, tmp_path)
    assert heavy(modules, NOT_IN_A_BANDIT_SCAN) == []
    # control: the scan ran Bandit to the end and reported the shell call
    assert values["exit_code"] in (0, 1)
    run = (tmp_path / "run.json").read_text(encoding="utf-8")
    assert "B602" in run
    assert "assay.scanners.bandit" in modules


SCAN_TO_JSON = """
import sys
from assay.cli import main
try:
    main(["scan", "-q", "-j", "1", "--no-record", "-f", "json", "-o", {out!r}, {repo!r}])
except SystemExit as exc:
    exit_code = exc.code
"""


def test_a_scan_without_configuration_imports_no_pydantic(tmp_path: Path) -> None:
    """The configuration's tables are validated by pydantic at the file boundary only: a
    project without an assay table (a pre-commit hook's usual case) never pays for it."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("pyproject.toml", "[project]\nname = 'app'\n")
    repo.write("app.py", "import subprocess\n\nsubprocess.call('ls', shell=True)\n")
    repo.commit()
    out = tmp_path / "run.json"
    modules, values = modules_after(SCAN_TO_JSON.format(out=str(out), repo=str(repo.path)),
                                    tmp_path)
    assert "pydantic" not in modules
    assert values["exit_code"] in (0, 1) and "B602" in out.read_text(encoding="utf-8")
    assert {"assay.scanners.bandit", "assay.scanners.semgrep", "assay.config"} <= modules
    # control: a table to validate brings pydantic in, and it is validated (a typo is a
    # configuration error)
    repo.write("pyproject.toml", "[project]\nname = 'app'\n\n[tool.assay.scan]\n"
                                 "fail_onn = 'low'\n")
    repo.commit()
    modules, values = modules_after(SCAN_TO_JSON.format(out=str(out), repo=str(repo.path)),
                                    tmp_path)
    assert "pydantic" in modules and values["exit_code"] == 2
