"""Chord-length distribution: lengths of the void runs along an axis.

A chord is a maximal run of consecutive void voxels along a line parallel to ``axis``; its
length is (number of voxels) x voxel size. Chords touching the image border are truncated and
are left out by default (as PoreSpy's ``apply_chords(trim_edges=True)`` does).

For convex pores the number-weighted mean chord is the Cauchy mean chord, 4 V / S
(Underwood 1970); for spheres of diameter d it is 2 d / 3. ASTM D3576 counts cell-wall
intersections along a line to get an apparent cell size from the mean chord.

References
----------
Underwood, E.E. Quantitative Stereology. Addison-Wesley (1970), ch. 2.
Torquato, S., Lu, B. Chord-length distribution function for two-phase random media.
Phys. Rev. E 47 (1993) 2950-2953.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from foamline.errors import ImageError
from foamline.structure._common import as_void, check_voxel_size

__all__ = ["ChordLengths", "chord_length_distribution"]


@dataclass(frozen=True, eq=False)
class ChordLengths:
    """Void chords along one axis.

    Attributes
    ----------
    lengths_m : chord lengths, m.
    axis : axis along which the chords run.
    mean_m : number-weighted mean chord, m (nan when there is no chord).
    std_m : standard deviation, m.
    length_weighted_mean_m : sum(l^2) / sum(l), m: the mean chord seen by a random point.
    """

    lengths_m: NDArray[np.float64]
    axis: int
    mean_m: float
    std_m: float
    length_weighted_mean_m: float

    @property
    def n(self) -> int:
        """Number of chords."""
        return int(self.lengths_m.size)

    def histogram(
        self, bins: int | ArrayLike = 20, *, weights: str = "count"
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Normalised histogram (pdf, bin edges in m); ``weights="length"`` weights by length."""
        w = self.lengths_m if weights == "length" else None
        pdf, edges = np.histogram(self.lengths_m, bins=bins, weights=w, density=True)
        return pdf, edges


def chord_length_distribution(
    void: ArrayLike, voxel_size: float = 1.0, axis: int = 0, *, trim_edges: bool = True
) -> ChordLengths:
    """Lengths of the void chords along ``axis`` of a 2-D or 3-D image.

    Parameters
    ----------
    void : bool array, True = void.
    voxel_size : voxel edge, m.
    axis : axis of the chords.
    trim_edges : leave out chords that touch the image border along ``axis``.

    Examples
    --------
    >>> import numpy as np
    >>> im = np.zeros((4, 12), bool); im[:, 3:8] = True   # a 5-voxel slab across axis 1
    >>> round(chord_length_distribution(im, 1e-6, axis=1).mean_m * 1e6, 6)
    5.0
    """
    im = as_void(void)
    size = check_voxel_size(voxel_size)
    if not -im.ndim <= axis < im.ndim:
        raise ImageError(f"axis {axis} does not exist in a {im.ndim}-D image")
    lines = np.moveaxis(im, axis, -1).reshape(-1, im.shape[axis]).astype(np.int8)
    edges = np.diff(np.pad(lines, ((0, 0), (1, 1))), axis=1)
    row_s, starts = np.nonzero(edges == 1)
    row_e, ends = np.nonzero(edges == -1)
    # Both lists are in row-major order, so the k-th start pairs with the k-th end.
    lengths = (ends - starts).astype(float)
    if trim_edges:
        keep = (starts > 0) & (ends < im.shape[axis])
        lengths = lengths[keep]
    del row_s, row_e
    metres = lengths * size
    if metres.size == 0:
        nan = float("nan")
        return ChordLengths(metres, axis, nan, nan, nan)
    return ChordLengths(
        lengths_m=metres,
        axis=axis % im.ndim,
        mean_m=float(metres.mean()),
        std_m=float(metres.std()),
        length_weighted_mean_m=float(np.sum(metres**2) / np.sum(metres)),
    )
