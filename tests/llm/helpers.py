"""Helpers of the LLM harness tests: projects with an operator configuration, scripted
arguments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assay import api
from tests.helpers import GitRepo, operator_config, project_ledger

NAME = "llm-review"
SQLI_QUOTE = "db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")"


def _value(value: Any) -> str:
    return json.dumps(value)


def toml_table(prefix: str, table: dict[str, Any]) -> list[str]:
    """TOML lines for a (nested) table of scalars and lists."""
    lines = [f"[{prefix}]"]
    nested = []
    for key, value in table.items():
        if isinstance(value, dict):
            nested.append((key, value))
        else:
            lines.append(f"{json.dumps(key)} = {_value(value)}")
    for key, value in nested:
        lines.extend(toml_table(f"{prefix}.{json.dumps(key)}", value))
    return lines


def configure(repo: GitRepo, scanners: dict[str, dict[str, Any]], exclude: tuple[str, ...] = (),
              commit: bool = True) -> Path:
    """The operator's configuration (outside the checkout) with `[scanners.NAME]` tables;
    commit everything in the repository. Returns the configuration file."""
    lines = ["[scan]", f"exclude = {_value(list(exclude))}"]
    for name, table in scanners.items():
        lines.extend(toml_table(f"scanners.{json.dumps(name)}", table))
    path = operator_config(repo, "\n".join(lines) + "\n")
    if commit:
        repo.commit("config")
    return path


def finding_args(path: str = "app.py", line: int = 14, quote: str = SQLI_QUOTE,
                 cwe: str = "CWE-89", **overrides: Any) -> dict[str, Any]:
    """report_finding arguments for the SQL injection of VULNERABLE_APP."""
    args: dict[str, Any] = {
        "cwe": cwe, "path": path, "start_line": line, "end_line": line,
        "severity": "high", "confidence": "high", "title": "SQL injection in /user",
        "rationale": "the name parameter is concatenated into the query",
        "quote": quote,
        "proof_sketch": {"inputs": "GET /user?name=' OR '1'='1",
                         "trust_boundary": "HTTP query string to the database",
                         "failing_test": "request the payload and expect every user back"},
    }
    args.update(overrides)
    return args


def scan(repo: GitRepo, **kw: Any) -> api.ScanResult:
    """Scan the repository with the LLM scanner."""
    kw.setdefault("scanners", [NAME])
    return api.scan(repo.path, **kw)


def openai_messages(body: dict[str, Any], role: str) -> list[str]:
    """Texts of the chat-completions messages of one role."""
    return [str(m.get("content") or "") for m in body["messages"] if m["role"] == role]


def anthropic_blocks(body: dict[str, Any], kind: str) -> list[str]:
    """Texts of the user-turn blocks of one type (text or tool_result)."""
    out = []
    for message in body["messages"]:
        if message["role"] != "user":
            continue
        for block in message["content"]:
            if block["type"] == kind:
                out.append(str(block.get("text") or block.get("content") or ""))
    return out


def ledger_path(repo: GitRepo) -> Path:
    """The default ledger of a repository."""
    return project_ledger(repo.path)
