"""Local thickness (maximal inscribed sphere, PoreSpy 3.x integer-radius convention) and EDT.

Definition checked: LT(x) = max{ floor(dt(c)) : |x - c| < floor(dt(c)) }; on shapes with a
known inscribed sphere every void voxel takes that sphere's radius.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from foamline.errors import ImageError
from foamline.structure import distance_transform, local_thickness


def _brute_force(im: np.ndarray) -> np.ndarray:
    """Paint every void voxel's ball with its radius, keep the maximum (O(n^2): tiny images)."""
    rho = np.floor(ndi.distance_transform_edt(im)).astype(int)
    grid = np.indices(im.shape).reshape(im.ndim, -1).T
    out = np.zeros(im.size)
    for c in np.argwhere(im):
        r = rho[tuple(c)]
        inside = np.sum((grid - c) ** 2, axis=1) < r * r
        out[inside] = np.maximum(out[inside], r)
    return out.reshape(im.shape)


def test_every_voxel_of_a_sphere_sees_the_sphere() -> None:
    # A void ball of radius 9 voxels (voxel 2 um): the inscribed sphere is the ball itself.
    x, y, z = np.indices((32, 32, 32)) - 16
    ball = x**2 + y**2 + z**2 < 81
    lt = local_thickness(ball, 2e-6)
    assert np.allclose(lt[ball], 18e-6)
    assert np.all(lt[~ball] == 0)


def test_cylinder_radius() -> None:
    # An endless void cylinder of radius 7 voxels along z (the image ends are not solid).
    x, y, _ = np.indices((30, 30, 20)) - 15
    tube = (x**2 + y**2) < 49
    lt = local_thickness(tube, 1.0)
    assert np.all(lt[tube] == 7)


def test_slab_between_two_walls() -> None:
    # A void slab 9 voxels thick: the largest sphere has radius 5 (distance from the middle
    # voxel centre to the wall voxel centres), within a voxel of the geometric 4.5.
    im = np.zeros((20, 20, 21), bool)
    im[:, :, 6:15] = True
    lt = local_thickness(im)
    assert np.all(lt[im] == 5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_brute_force_on_random_media(seed: int) -> None:
    rng = np.random.default_rng(seed)
    im3 = ndi.gaussian_filter(rng.random((22, 20, 18)), 2) > 0.5
    assert np.array_equal(local_thickness(im3), _brute_force(im3))
    im2 = ndi.gaussian_filter(rng.random((50, 40)), 3) > 0.5
    assert np.array_equal(local_thickness(im2), _brute_force(im2))


def test_threaded_paths_match_single_thread() -> None:
    rng = np.random.default_rng(3)
    im = ndi.gaussian_filter(rng.random((96, 70, 64)), 3) > 0.5
    dt1 = distance_transform(im, workers=1)
    dt2 = distance_transform(im, workers=2)
    assert np.array_equal(dt1, dt2)
    assert np.allclose(dt1, ndi.distance_transform_edt(im))
    assert np.array_equal(local_thickness(im, workers=1), local_thickness(im, workers=2))


def test_no_solid_is_refused() -> None:
    with pytest.raises(ImageError):
        local_thickness(np.ones((8, 8, 8), bool))
