"""Porosity and chord lengths of arrays whose answer is exact."""

from __future__ import annotations

import numpy as np
import pytest

from foamline.errors import ImageError
from foamline.structure import chord_length_distribution, porosity


def test_porosity_of_a_known_array() -> None:
    im = np.zeros((10, 10, 10), bool)
    im[:3] = True
    assert porosity(im) == 0.3
    mask = np.zeros_like(im)
    mask[:5] = True
    assert porosity(im, mask) == 0.6
    assert porosity(im.astype(np.uint8)) == 0.3


def test_porosity_refuses_a_grey_image() -> None:
    with pytest.raises(ImageError, match="threshold"):
        porosity(np.linspace(0, 1, 27).reshape(3, 3, 3))


def test_chords_across_a_slab() -> None:
    # A void slab 7 voxels thick normal to z, voxel 0.5 um: every chord along z is 3.5 um.
    im = np.zeros((12, 10, 20), bool)
    im[:, :, 5:12] = True
    chords = chord_length_distribution(im, 0.5e-6, axis=2)
    assert chords.n == 12 * 10
    assert np.allclose(chords.lengths_m, 3.5e-6)
    assert chords.length_weighted_mean_m == pytest.approx(3.5e-6)
    # Along x the chords run through the whole image: all touch the border and are trimmed.
    assert chord_length_distribution(im, 0.5e-6, axis=0).n == 0
    assert chord_length_distribution(im, 0.5e-6, axis=0, trim_edges=False).n == 70


def test_chords_of_alternating_layers() -> None:
    # Void layers of 2 and 4 voxels alternating with 1-voxel walls along y.
    pattern = [0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0]
    im = np.broadcast_to(np.array(pattern, bool)[None, :, None], (3, 12, 4))
    chords = chord_length_distribution(im, 1.0, axis=1)
    assert sorted(set(chords.lengths_m)) == [2.0, 4.0]
    assert chords.mean_m == pytest.approx((2 + 4 + 2) / 3)
    assert chords.length_weighted_mean_m == pytest.approx((4 + 16 + 4) / 8)
