"""Configuration files: where they are found, what is validated, what is hashed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.config import Config, dump, validation_message
from assay.errors import ConfigError
from assay.trust import load_config


def test_defaults_without_a_file(tmp_path: Path) -> None:
    loaded = load_config(tmp_path)
    assert loaded.source is None
    assert loaded.config.scan.scanners == ("bandit", "semgrep")
    assert loaded.config.scan.fail_on == "high"


def test_assay_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.assay.scan]\nfail_on = 'low'\n")
    assert load_config(tmp_path).config.scan.fail_on == "low"
    (tmp_path / "assay.toml").write_text("[scan]\nfail_on = 'MEDIUM'\n")
    loaded = load_config(tmp_path)
    assert loaded.source == tmp_path / "assay.toml"
    assert loaded.config.scan.fail_on == "medium"


def test_hash_follows_content(tmp_path: Path) -> None:
    a = load_config(tmp_path).hash
    (tmp_path / "assay.toml").write_text("[scan]\nfail_on = 'low'\n")
    b = load_config(tmp_path).hash
    assert a != b and len(b) == 64
    assert Config() == load_config(tmp_path / "nothing-here").config


@pytest.mark.parametrize(("text", "message"), [
    ("[scan]\nmax_file_size = -1\n", "scan.max_file_size"),
    ("[scan]\nscanners = 'bandit'\n", "scan.scanners"),
    ("[scna]\n", "scna"),
    ("not toml at all [", "invalid TOML"),
])
def test_invalid_files(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "assay.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_config(tmp_path)


def test_explicit_path_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    other = tmp_path / "ci.toml"
    other.write_text("[scan]\nfail_on = 'none'\n")
    assert load_config(project, other).config.scan.fail_on == "none"
    monkeypatch.setenv("ASSAY_CONFIG", str(other))
    assert load_config(project).source == other
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(project, tmp_path / "missing.toml")


@pytest.mark.parametrize(("table", "message"), [
    ("[scan]\nfail_onn = 'low'\n", "unknown key 'fail_onn' in [scan]; did you mean 'fail_on'?"),
    ("[scann]\n", "unknown key 'scann' in the top level; did you mean 'scan'?"),
    ("[[tier.classes.api.match]]\nfilez = ['*.py']\n",
     "unknown key 'filez' in [tier.classes.api.match.0]; did you mean 'files'?"),
    ("[proof]\nzzz = 1\n", "unknown key 'zzz' in [proof]"),
    ("[scan]\njobs = -1\n", "scan.jobs: Input should be greater than or equal to 0"),
])
def test_a_typo_names_the_key_and_the_close_one(tmp_path: Path, table: str,
                                                 message: str) -> None:
    (tmp_path / "assay.toml").write_text(table)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.message.endswith(f"assay.toml: {message}")


def test_a_typo_of_a_required_key_is_named_before_the_missing_key() -> None:
    from pydantic import BaseModel, ConfigDict, ValidationError

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        model: str

    with pytest.raises(ValidationError) as caught:
        Table.model_validate({"modle": "x"})
    assert validation_message(caught.value, Table, "scanners.x") == \
        "unknown key 'modle' in [scanners.x]; did you mean 'model'?"


def test_toml_dates_and_times_are_configuration_values(tmp_path: Path) -> None:
    # a scanner table may hold any TOML value; the configuration's hash and the trust
    # rules read it as JSON (a date as its ISO text, as pydantic's JSON gives it)
    project = tmp_path / "project"
    project.mkdir()
    operator = tmp_path / "ci.toml"
    operator.write_text('[scanners.x]\ntype = "command"\nwhen = 1979-05-27T07:32:00Z\n'
                        'day = 1979-05-27\n')
    (project / "assay.toml").write_text("[scanners.y]\nat = 07:32:00\n")
    loaded = load_config(project, operator)
    assert dump(loaded.config)["scanners"]["x"] == {
        "type": "command", "when": "1979-05-27T07:32:00Z", "day": "1979-05-27"}
    assert len(loaded.hash) == 64 and "y" not in loaded.config.scanners
