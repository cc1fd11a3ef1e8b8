"""The command line as a user meets it: exit codes, one-sentence errors, no tracebacks."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import tomli_w

from foamline.cli import main
from foamline.materials import CLAIM_FAMILIES, fluids, polymers
from tests.test_recipe import BAD_RECIPES


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``foamline ARGS`` in this process (importing CoolProp costs 2 s per subprocess)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
    code = 0 if code is None else code if isinstance(code, int) else 1
    return subprocess.CompletedProcess(["foamline", *args], code, out.getvalue(), err.getvalue())


def test_module_entry_point_runs_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "foamline", "no-such-command"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_materials_list_names_every_polymer_and_fluid() -> None:
    result = run("materials", "list")
    assert result.returncode == 0, result.stderr
    assert len(polymers()) >= 13 and len(fluids()) >= 6
    for p in polymers():
        assert p.name in result.stdout
    for f in fluids():
        assert f.name in result.stdout
    families = {p.family for p in polymers()}
    assert set(CLAIM_FAMILIES) <= families


def test_materials_show_prints_value_unit_flag_and_source() -> None:
    result = run("materials", "show", "PES")
    assert result.returncode == 0, result.stderr
    for word in ("Tg", "degC", "verified", "estimated", "Hereon", "CO2 in PES", "H2O in PES"):
        assert word in result.stdout, word


def test_materials_show_unknown_name_exits_2_with_suggestion() -> None:
    result = run("materials", "show", "PESS")
    assert result.returncode == 2
    assert "unknown fluid 'PESS'" in result.stderr or "PES" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_good_recipe(example_path: Path) -> None:
    result = run("validate", str(example_path))
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout and "saturation pressure" in result.stdout


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (('name = "PES"', 'name = "PESS"'), "unknown polymer"),
        (('throughput = "10 kg/h"', 'throughput = "-10 kg/h"'), "greater than 0"),
        (('throughput = "10 kg/h"', 'throughput = "12 bar"'), "units of pressure"),
        (('gap = "0.45 mm"', 'gap = "0 mm"'), "die.gap"),
        (
            (
                'initial_processing_temperature = "380 degC"',
                'initial_processing_temperature = "180 degC"',
            ),
            "glass transition",
        ),
        (("[heat_exchanger]", "[heat_exchanger\n"), "not valid TOML"),
    ],
)
def test_validate_bad_recipe_exits_2_with_one_sentence(
    tmp_path: Path, example_path: Path, edit: tuple[str, str], words: str
) -> None:
    text = example_path.read_text()
    assert edit[0] in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(edit[0], edit[1], 1))
    result = run("validate", str(bad))
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1


def test_no_fluids_at_all_exits_2(tmp_path: Path, example_path: Path) -> None:
    text = example_path.read_text()
    bad = tmp_path / "nofluid.toml"
    bad.write_text(text.replace("[[fluids]]", "[[ignored]]"))
    result = run("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_usage_errors_exit_2() -> None:
    assert run("validate").returncode == 2
    assert run("no-such-command").returncode == 2


@pytest.mark.parametrize(("label", "mutate", "words"), BAD_RECIPES, ids=[b[0] for b in BAD_RECIPES])
def test_validate_each_kind_of_bad_recipe(
    tmp_path: Path, example_dict: dict, label: str, mutate, words: list[str]
) -> None:
    mutate(example_dict)
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps(example_dict))
    result = run("validate", str(bad))
    assert result.returncode == 2, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in errors[0], (word, errors[0])
