"""3-D cell metrics of volumes made by the structure generator, against its known truth."""

from __future__ import annotations

import warnings

import pytest

from foamline.imaging.volume import volume_cell_metrics
from foamline.membrane.from_structure import network_from_structure
from foamline.membrane.performance import performance
from foamline.structure import cell_size_distribution, generate_foam, open_cell_fraction


@pytest.mark.parametrize(
    ("spread", "ruptured", "seed"),
    [(2e-6, 0.0, 1), (2e-6, 0.3, 5), (2e-6, 1.0, 2), (4e-6, 0.3, 5), (4e-6, 0.6, 8)],
)
def test_volume_metrics_match_the_generator_truth(spread: float, ruptured: float, seed: int):
    """Mean cell diameter within 5 %, CV within 0.03, void fraction within 0.02, open-cell
    content within 0.05 (issue 7); truth from the generator's own labels, cells 20 um with a
    CV of 0.1 and 0.2. Measured (docs/imaging.md): mean within 2.2 %, CV within 0.016, open
    cells within 0.001."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        foam = generate_foam((20e-6, spread), 0.8, ruptured, 1e-6, (96, 96, 96), seed=seed)
    truth = cell_size_distribution(foam.labels, 1e-6)
    truth_open = open_cell_fraction(foam.void, foam.labels, axis=2).corrected
    got = volume_cell_metrics(foam.void, 1e-6)
    assert got["mean_cell_diameter_m"] == pytest.approx(truth.mean_m, rel=0.05)
    assert abs(got["cell_diameter_cv"] - truth.cv) <= 0.03
    assert abs(foam.void.mean() - 0.8) <= 0.02
    assert abs(got["open_cell_fraction"] - truth_open) <= 0.05


def _foam(ruptured: float, seed: int = 3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate_foam((20e-6, 2e-6), 0.85, ruptured, 1e-6, (64, 64, 64), seed=seed)


def test_volume_permeance_and_bubble_point_against_the_generator_network() -> None:
    """Permeance and bubble point of a measured volume (cells found by the watershed, windows
    by the voxels) against those of the network built from the generator's own faces and
    openings (foamline.membrane.network_from_structure). The image network sees each window as
    its inscribed voxel opening, smaller than the generator's designed circle, so it gives less
    flow and a higher bubble point. Measured at 64^3, 85 % void, all walls open: permeance ratio
    0.66 and 0.69, bubble point ratio 1.27 and 1.21 (seeds 3, 4); half the walls open: 0.50 and
    0.56, 1.33 and 1.20. Held to 0.5-1.5 and 0.8-1.5."""
    foam = _foam(1.0)
    got = volume_cell_metrics(foam.void, 1e-6)
    truth = performance(network_from_structure(foam), float(foam.void.mean()))
    ratio = got["water_permeance_lmh_bar"] / truth.permeance_lmh_bar
    assert got["water_permeance_lmh_bar"] > 0 and got["permeability_m2"] > 0
    assert 0.5 <= ratio <= 1.5, f"permeance ratio image / generator network {ratio:.2f}"
    bp = got["bubble_point_bar"] / truth.bubble_point_bar
    assert 0.8 <= bp <= 1.5, f"bubble point ratio {bp:.2f}"


def test_closed_cell_volume_has_no_flow_and_no_bubble_point() -> None:
    got = volume_cell_metrics(_foam(0.0).void, 1e-6)
    assert got["water_permeance_lmh_bar"] == 0.0
    assert got["bubble_point_bar"] is None


def test_volume_without_voxel_size_has_no_permeance() -> None:
    got = volume_cell_metrics(_foam(1.0).void, None)
    assert "water_permeance_lmh_bar" not in got and got["cells"] > 0
