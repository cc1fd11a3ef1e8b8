"""The real SEM cross-section of a foamed polymer film (tests/data/sem/README.md).

What is known from the image itself (README): the info bar starts at row 896; the film spans
roughly rows 110-880 with stub background above; the scale bar is 11 ticks over 403 px = 100 um,
0.248 um per pixel; closed or partly open polyhedral cells 5-10 um across fill the film, many
with a small dark hole (a wall opening) in the wall at their bottom. Its cell statistics are
not published, so the tests hold the measurement to physically sensible bands.
"""

from __future__ import annotations

import numpy as np
import pytest

from foamline.imaging import Analysis, overlay_image
from foamline.imaging.claims import MET, NOT_DETERMINABLE, NOT_MET
from foamline.imaging.stereology import MONODISPERSE_SECTION_CV


def test_info_bar_is_cropped_at_row_896(sem_analysis: Analysis) -> None:
    assert sem_analysis.info_bar_row is not None
    assert abs(sem_analysis.info_bar_row - 896) <= 3
    assert sem_analysis.section.segmentation.image.shape[0] == sem_analysis.info_bar_row


def test_scale_bar_gives_0248_um_per_pixel(sem_analysis: Analysis) -> None:
    # 403 px between the first and last of 11 ticks = 100 um (README), within 3 %
    bar = sem_analysis.scale_bar
    assert bar.kind == "ticks" and bar.ticks == 11
    assert sem_analysis.pixel_size_m == pytest.approx(0.248e-6, rel=0.03)
    assert "scale bar" in sem_analysis.pixel_size_source


def test_membrane_region_is_the_film_not_the_stub(sem_analysis: Analysis) -> None:
    section = sem_analysis.section
    region = section.segmentation.region
    top, bottom = section.region_rows
    assert abs(top - 110) <= 10, top
    assert abs(bottom - 880) <= 10, bottom
    assert not region[:95].any()  # the stub background above the film
    assert region[200:850].mean() > 0.99  # the foam, whole
    # film thickness: about 770 px = 190 um
    assert 180 < sem_analysis.um(section.region_thickness_px) < 200


def test_cells_are_physically_sensible(sem_analysis: Analysis) -> None:
    s = sem_analysis.section
    n = s.segmentation.measured.size
    # ~ 1280 x 770 px of film / (22 px)^2 per cell with walls: of the order of 1000 cells
    assert 700 < n < 2000
    mean_um = sem_analysis.um(s.mean_px)
    assert 4.0 < mean_um < 12.0  # README: cells roughly 5-10 um across
    # a section of any foam spreads its profiles (identical spheres alone give CV 0.28), but
    # a closed-cell foam does not spread them beyond ~0.5
    assert MONODISPERSE_SECTION_CV - 0.05 < s.cv < 0.5
    assert sem_analysis.um(s.std_px) == pytest.approx(s.cv * mean_um)
    d3 = sem_analysis.um(s.mean_3d_px)
    assert d3 == pytest.approx(4 / np.pi * mean_um)
    # the log-normal fit and Saltykov's unfolding tell the same 3-D story within 10 %
    assert sem_analysis.um(s.sphere_fit.mean) == pytest.approx(d3, rel=0.10)
    assert s.saltykov.mean == pytest.approx(s.sphere_fit.mean, rel=0.10)
    assert 0.05 < s.sphere_fit.cv < 0.4


def test_void_fraction_and_openings(sem_analysis: Analysis) -> None:
    s = sem_analysis.section
    # thin-walled foam, but bright SE rims widen the walls: a section void fraction of 0.4-0.8
    assert 0.4 < s.void_fraction < 0.8
    # several dozen small dark holes are visible in cell floors; each is far smaller than a cell
    assert s.opening_count >= 20
    assert s.opening_mean_px < 0.5 * s.median_px


def test_claims_state_the_size_basis_and_what_a_section_cannot_tell(
    sem_analysis: Analysis,
) -> None:
    claims = {c.claim: c for c in sem_analysis.claims}
    assert set(claims) == {1, 2, 3}
    open_cells = claims[1].criteria[0]
    assert open_cells.status == NOT_DETERMINABLE
    assert open_cells.evidence == "not determinable from a 2-D section"
    assert all(c.status in (MET, NOT_MET, NOT_DETERMINABLE) for c in claims.values())
    # a mean cell size of 5-15 um lies in the microfiltration range of claim 2, not in claim 3's
    assert claims[2].criteria[0].status == MET
    assert claims[3].criteria[0].status == NOT_MET
    assert "equivalent-sphere" in sem_analysis.size_basis
    data = sem_analysis.to_dict()
    assert data["schema"] == "foamline.analysis/1"
    assert data["membrane"]["open_cell_fraction"] is None
    assert data["membrane"]["pore_size_basis"] == sem_analysis.size_basis


def test_overlay_outlines_the_cells_in_colour(sem_analysis: Analysis) -> None:
    rgb = overlay_image(sem_analysis)
    seg = sem_analysis.section.segmentation
    assert rgb.shape == (*seg.image.shape, 3)
    green = np.all(rgb == (40, 230, 40), axis=2)
    # every measured cell has its outline drawn: outline pixels ~ perimeter ~ pi d per cell
    per_cell = green.sum() / seg.measured.size
    assert (
        0.5 * np.pi * sem_analysis.section.mean_px
        < per_cell
        < 2 * np.pi * sem_analysis.section.mean_px
    )
    # and the outlines sit inside the membrane region
    assert not green[~seg.region].any()
