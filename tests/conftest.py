"""Shared fixtures: the bundled example recipes and a way to vary them field by field."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLES / "pes_mf_co2_water.toml"


@pytest.fixture
def example_dict(example_path: Path) -> dict[str, Any]:
    with example_path.open("rb") as fh:
        return copy.deepcopy(tomllib.load(fh))
