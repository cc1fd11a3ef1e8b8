"""Cell and window size distributions on geometries whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from foamline.structure import cell_size_distribution, window_size_distribution


def _ball(shape: tuple[int, ...], centre: tuple[int, ...], r: float) -> np.ndarray:
    grid = np.indices(shape)
    return sum((g - c) ** 2 for g, c in zip(grid, centre, strict=True)) < r * r


def test_equivalent_diameters_of_known_spheres() -> None:
    lab = np.zeros((64, 64, 64), np.int32)
    radii = {1: 6.0, 2: 8.0, 3: 10.0}
    centres = {1: (12, 12, 12), 2: (40, 20, 30), 3: (30, 45, 45)}
    for k, r in radii.items():
        lab[_ball(lab.shape, centres[k], r)] = k
    sizes = cell_size_distribution(lab, 1e-6)
    assert list(sizes.labels) == [1, 2, 3]
    # A voxelised ball holds 4/3 pi r^3 voxels to within ~2 % at r >= 6.
    assert np.allclose(sizes.diameters_m, [2 * radii[k] * 1e-6 for k in (1, 2, 3)], rtol=0.02)
    expected = np.array([12, 16, 20]) * 1e-6
    assert sizes.mean_m == pytest.approx(expected.mean(), rel=0.02)
    assert sizes.cv == pytest.approx(expected.std(ddof=1) / expected.mean(), rel=0.05)


def test_cells_cut_by_the_border_are_left_out_unless_periodic() -> None:
    lab = np.zeros((40, 40, 40), np.int32)
    lab[_ball(lab.shape, (20, 20, 20), 8)] = 1
    lab[0:5, 10:20, 10:20] = 2  # touches x = 0
    lab[35:40, 10:20, 10:20] = 2  # ... and its periodic other half at x = nx - 1
    assert list(cell_size_distribution(lab).labels) == [1]
    whole = cell_size_distribution(lab, periodic_axes=(0,))
    assert list(whole.labels) == [1, 2]
    assert whole.diameters_m[1] == pytest.approx((6 * 1000 / np.pi) ** (1 / 3))
    assert list(cell_size_distribution(lab, exclude_labels=[1], exclude_border=False).labels) == [2]


def test_two_dimensional_cells() -> None:
    lab = np.zeros((50, 50), np.int32)
    lab[_ball(lab.shape, (25, 25), 12)] = 1
    assert cell_size_distribution(lab, 1.0).mean_m == pytest.approx(24.0, rel=0.02)


def _wall_with_hole(normal: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Two cells split by a plane wall (thickness 2 voxels) with a circular hole."""
    n = 64
    x = np.indices((n, n, n)).reshape(3, -1).T + 0.5
    centre = np.full(3, n / 2)
    unit = normal / np.linalg.norm(normal)
    s = (x - centre) @ unit
    in_plane = np.linalg.norm((x - centre) - np.outer(s, unit), axis=1)
    wall = (np.abs(s) < 1.0) & (in_plane >= radius)
    void = ~wall
    labels = np.where(s < 0, 1, 2).astype(np.int32)
    return void.reshape(n, n, n), labels.reshape(n, n, n)


@pytest.mark.parametrize("normal", [(1, 0, 0), (1, 1, 0), (1, 2, 2)])
def test_window_diameter_of_a_circular_hole(normal: tuple[int, int, int]) -> None:
    # The |c|_2 area formula (eq. 2) holds for any orientation of a plane window.
    void, labels = _wall_with_hole(np.array(normal, float), radius=8.0)
    windows = window_size_distribution(void, labels, 1e-6)
    assert windows.n == 1
    assert list(windows.pairs[0]) == [1, 2]
    assert windows.diameters_m[0] == pytest.approx(16e-6, rel=0.06)
