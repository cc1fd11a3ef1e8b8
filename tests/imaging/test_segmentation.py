"""Segmentation accuracy on drawn sections whose truth is known pixel by pixel.

Each scene is drawn from a label image (tests/imaging/synthetic.py): dark cell interiors,
bright walls or matrix, an optical blur of 0.8 px and Gaussian noise of 10 % of the contrast.
The truth is the equivalent-circle diameter of every drawn cell that the image border does not
cut. The section's own statistics (mean and sample standard deviation of those diameters) must
be found within 2 % (issue 7): the error then comes from the segmentation, not from stereology.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from foamline.imaging import (
    fit_lognormal_spheres,
    segment_section,
    sphere_diameter_from_sections,
)
from foamline.imaging.section import MIN_DIAMETER_FRACTION
from tests.imaging.synthetic import disc_packing, sphere_section, truth_diameters, voronoi_foam


def _compare(image: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    seg = segment_section(image)
    return truth_diameters(labels), seg.diameters_px()


@pytest.mark.parametrize("seed", [0, 1])
def test_closed_cell_foam_section_statistics_within_2_percent(seed: int) -> None:
    # Voronoi cells of Poisson-disc seeds 30 px apart, walls 4 px thick: ~90 whole cells of
    # ~36 px with a CV of ~0.08, the look of a closed-cell foam section
    image, labels = voronoi_foam(seed=seed)
    truth, found = _compare(image, labels)
    assert abs(found.size - truth.size) <= 2
    assert found.mean() == pytest.approx(truth.mean(), rel=0.02)
    assert found.std(ddof=1) == pytest.approx(truth.std(ddof=1), rel=0.02)


def test_joined_cells_are_split_at_their_neck() -> None:
    # discs of 28 +- 3 px, neighbours from 3 px apart to 3 px overlapping: the overlapping
    # pairs form one dark blob each, which only the watershed on the distance map can split
    image, labels, _ = disc_packing(seed=0)
    truth, found = _compare(image, labels)
    # a few whole discs that overlap a disc cut by the border are lost with it
    assert found.size >= 0.95 * truth.size
    assert found.mean() == pytest.approx(truth.mean(), rel=0.02)
    assert found.std(ddof=1) == pytest.approx(truth.std(ddof=1), rel=0.02)
    # no blob of two discs survives: the largest cell found is no larger than the largest disc
    assert found.max() <= 1.02 * truth.max()


def test_whole_synthetic_image_is_membrane_and_nothing_is_an_opening() -> None:
    image, _ = voronoi_foam(seed=0)
    seg = segment_section(image)
    assert seg.region.all()
    assert seg.opening_cells.size == 0  # cell corners are not holes
    assert seg.threshold_method == "otsu + per-cell half height"


def test_void_fraction_of_the_drawing() -> None:
    image, labels = voronoi_foam(seed=1)
    seg = segment_section(image)
    truth = np.count_nonzero(labels) / labels.size
    assert seg.void.mean() == pytest.approx(truth, abs=0.01)


def test_stereological_mean_of_a_sphere_packing_section_within_10_percent() -> None:
    # the plane z = 0 through ~740 non-overlapping spheres of 36 px, CV 0.08; about 130
    # section discs. (4/pi) x mean section diameter estimates E[D^2]/E[D] = E[D](1 + CV^2);
    # the log-normal fit estimates E[D]; issue 7 asks for 10 %
    image, labels, spheres = sphere_section(seed=0)
    seg = segment_section(image)
    d = seg.diameters_px()
    assert d.size > 100
    assert sphere_diameter_from_sections(d.mean()) == pytest.approx(spheres.mean(), rel=0.10)
    d_min = max(3.0, MIN_DIAMETER_FRACTION * float(np.median(d)))
    fit = fit_lognormal_spheres(d, d_min=d_min)
    assert fit.mean == pytest.approx(spheres.mean(), rel=0.05)
    assert fit.cv == pytest.approx(spheres.std() / spheres.mean(), abs=0.05)


def test_a_boolean_image_is_taken_as_segmented() -> None:
    _, labels = voronoi_foam(seed=0)
    seg = segment_section(labels > 0)
    truth = truth_diameters(labels)
    found = seg.diameters_px()
    assert found.mean() == pytest.approx(truth.mean(), rel=0.005)
    assert math.isclose(seg.void.mean(), np.mean(labels > 0), abs_tol=0.002)


def test_a_user_threshold_replaces_the_automatic_one() -> None:
    image, labels = voronoi_foam(seed=0)
    auto = segment_section(image)
    # a threshold low in the dark-to-bright ramp shrinks every cell a little
    low = segment_section(image, threshold=0.4)
    assert low.threshold_method == "user" and low.threshold == 0.4
    assert low.diameters_px().mean() < auto.diameters_px().mean()
