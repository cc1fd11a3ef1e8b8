"""The bundled SEM image and its analysis, shared by the imaging tests (analysed once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foamline.imaging import Analysis, analyze_file

NAME = "foamed_film_cross_section.png"
#: The copy in the repository (MIT licence beside it), then the shared data folder.
CANDIDATES = (
    Path(__file__).resolve().parents[1] / "data" / "sem" / NAME,
    Path(__file__).resolve().parents[3] / "shared" / "data" / "sem" / NAME,
)


@pytest.fixture(scope="session")
def sem_path() -> Path:
    for path in CANDIDATES:
        if path.exists():
            return path
    pytest.skip(f"{NAME} is in neither tests/data/sem nor ../shared/data/sem")


@pytest.fixture(scope="session")
def sem_analysis(sem_path: Path) -> Analysis:
    """The SEM image analysed as a user would: scale bar measured, 100 um on its label."""
    return analyze_file(sem_path, pixel_size_m="auto", scale_bar_m=100e-6)
