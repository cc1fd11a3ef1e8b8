"""Cell and window size distributions from labelled images.

Cell size (number weighted): each labelled cell i of volume V_i (voxels x voxel volume) has
the equivalent-sphere diameter

    d_i = (6 V_i / pi)^(1/3)            (3-D)      d_i = (4 A_i / pi)^(1/2)     (2-D)      (1)

Cells touching a non-periodic image border are cut and left out. This is the distribution the
patent's "pore-size standard deviation <= 10 % of the mean" is checked against (see
structure-membrane.md, decision 3); local thickness is volume weighted and broader.

Window size: the opening between two cells i and j is the set of voxel faces where a void
voxel of cell i touches a void voxel of cell j. Counting those faces normal to each axis gives
c = (c_x, c_y, c_z) = A (|n_x|, |n_y|, |n_z|) for a plane window of area A and unit normal n,
so

    A = |c|_2 voxel^2,        ECD = (4 A / pi)^(1/2)                                     (2)

(in 2-D the window is a line segment of length |c|_2 voxel). The window ECD is the
constriction that sets bubble point and flux (Langlois et al. 2018).

Reference
---------
Langlois, V. et al. Permeability of solid foam: effect of pore connections.
Phys. Rev. E 97 (2018) 053111.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from foamline.errors import ImageError
from foamline.structure._common import as_void, check_voxel_size

if TYPE_CHECKING:
    from foamline.structure.generator import FoamStructure

__all__ = [
    "CellSizes",
    "WindowSizes",
    "cell_size_distribution",
    "window_size_distribution",
]


def _stats(values: NDArray[np.float64]) -> tuple[float, float, float]:
    if values.size == 0:
        nan = float("nan")
        return nan, nan, nan
    mean = float(values.mean())
    std = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return mean, std, std / mean


@dataclass(frozen=True, eq=False)
class CellSizes:
    """Number-weighted equivalent diameters of the uncut cells (eq. 1).

    Attributes
    ----------
    labels : labels of the cells kept.
    diameters_m : their equivalent diameters, m.
    mean_m, std_m : mean and sample standard deviation (ddof = 1), m.
    cv : std / mean.
    """

    labels: NDArray[np.int64]
    diameters_m: NDArray[np.float64]
    mean_m: float
    std_m: float
    cv: float

    @property
    def n(self) -> int:
        """Number of cells."""
        return int(self.diameters_m.size)


@dataclass(frozen=True, eq=False)
class WindowSizes:
    """Openings between pairs of cells (eq. 2).

    Attributes
    ----------
    pairs : (n, 2) labels (a < b) of the cells each window joins.
    areas_m2 : window areas, m^2 (lengths, m, in 2-D).
    diameters_m : equivalent-circle diameters, m (lengths in 2-D).
    mean_m, std_m, cv : statistics of ``diameters_m``.
    """

    pairs: NDArray[np.int64]
    areas_m2: NDArray[np.float64]
    diameters_m: NDArray[np.float64]
    mean_m: float
    std_m: float
    cv: float

    @property
    def n(self) -> int:
        """Number of windows."""
        return int(self.diameters_m.size)


def _as_labels(labels: ArrayLike) -> NDArray[np.int64]:
    lab = np.asarray(labels)
    if lab.ndim not in (2, 3):
        raise ImageError(f"expected a 2-D or 3-D label image, got shape {lab.shape}")
    if not np.issubdtype(lab.dtype, np.integer):
        raise ImageError(f"labels must be integers (0 = solid), got dtype {lab.dtype}")
    if lab.size and lab.min() < 0:
        raise ImageError("labels must be >= 0 (0 = solid)")
    return lab.astype(np.int64, copy=False)


def cell_size_distribution(
    labels: ArrayLike,
    voxel_size: float = 1.0,
    *,
    exclude_border: bool = True,
    periodic_axes: Sequence[int] = (),
    exclude_labels: ArrayLike | None = None,
) -> CellSizes:
    """Equivalent diameters (eq. 1) of the labelled cells, excluding cells cut by the border.

    Parameters
    ----------
    labels : int array, 2-D or 3-D, cell label > 0, 0 = solid (e.g. ``FoamStructure.labels``
        or a watershed segmentation).
    voxel_size : voxel edge, m.
    exclude_border : leave out cells that touch a border not listed in ``periodic_axes``.
    periodic_axes : axes along which the image wraps (a cell crossing that border keeps one
        label on both sides and is whole).
    exclude_labels : further labels to leave out, e.g. cells cut by a dense skin, which look
        whole in the image (``np.flatnonzero(foam.cut) + 1``).

    Examples
    --------
    >>> import numpy as np
    >>> lab = np.zeros((30, 30, 30), np.int32)
    >>> x, y, z = np.indices(lab.shape)
    >>> lab[(x - 15)**2 + (y - 15)**2 + (z - 15)**2 < 10**2] = 1
    >>> round(cell_size_distribution(lab, 1e-6).mean_m * 1e6, 1)   # ball of radius 10 voxels
    19.9
    """
    lab = _as_labels(labels)
    size = check_voxel_size(voxel_size)
    counts = np.bincount(lab.ravel())
    present = np.flatnonzero(counts)
    present = present[present > 0]
    if exclude_border:
        cut = np.zeros(counts.size, dtype=bool)
        for axis in range(lab.ndim):
            if axis in {a % lab.ndim for a in periodic_axes}:
                continue
            for index in (0, -1):
                cut[np.take(lab, index, axis=axis).ravel()] = True
        present = present[~cut[present]]
    if exclude_labels is not None:
        present = np.setdiff1d(present, np.asarray(exclude_labels, dtype=np.int64))
    v = counts[present].astype(float)
    # Equivalent sphere (3-D) or circle (2-D) diameter, eq. 1.
    d = (6.0 * v / np.pi) ** (1 / 3) if lab.ndim == 3 else np.sqrt(4.0 * v / np.pi)
    d = d * size
    mean, std, cv = _stats(d)
    return CellSizes(labels=present, diameters_m=d, mean_m=mean, std_m=std, cv=cv)


def window_size_distribution(
    structure: FoamStructure | ArrayLike,
    labels: ArrayLike | None = None,
    voxel_size: float | None = None,
    *,
    periodic_axes: Sequence[int] | None = None,
) -> WindowSizes:
    """Equivalent-circle diameters (eq. 2) of the open windows between labelled cells.

    Call as ``window_size_distribution(foam)`` with a :class:`FoamStructure`, or as
    ``window_size_distribution(void, labels, voxel_size)`` with a boolean image and the
    cell labels of its void (labels on solid voxels are ignored).

    Parameters
    ----------
    structure : a FoamStructure, or the void image (True = void).
    labels : cell labels (> 0 on void), when ``structure`` is an image.
    voxel_size : voxel edge, m, when ``structure`` is an image.
    periodic_axes : axes along which the image wraps; default: the structure's, or none.
    """
    if hasattr(structure, "labels") and hasattr(structure, "void"):
        foam = structure
        im = foam.void
        lab = _as_labels(foam.labels)
        size = foam.voxel_size_m if voxel_size is None else check_voxel_size(voxel_size)
        periodic = foam.periodic_axes if periodic_axes is None else tuple(periodic_axes)
    else:
        if labels is None:
            raise ImageError("give the cell labels with the void image")
        im = as_void(structure)
        lab = _as_labels(labels)
        if lab.shape != im.shape:
            raise ImageError(f"labels shape {lab.shape} differs from image shape {im.shape}")
        size = check_voxel_size(1.0 if voxel_size is None else voxel_size)
        periodic = tuple(periodic_axes or ())
    lab = np.where(im, lab, 0)
    n_lab = int(lab.max()) + 1
    periodic_set = {a % lab.ndim for a in periodic}
    keys = []
    per_axis = []
    for axis in range(lab.ndim):
        a = lab
        b = np.roll(lab, -1, axis=axis)
        if axis not in periodic_set:
            a = np.delete(a, -1, axis=axis)
            b = np.delete(b, -1, axis=axis)
        touch = (a != b) & (a > 0) & (b > 0)
        lo = np.minimum(a[touch], b[touch])
        hi = np.maximum(a[touch], b[touch])
        key = lo * n_lab + hi
        keys.append(key)
        per_axis.append(axis)
    all_keys = np.unique(np.concatenate(keys)) if keys else np.empty(0, np.int64)
    comps = np.zeros((all_keys.size, lab.ndim))
    for axis, key in zip(per_axis, keys, strict=True):
        idx = np.searchsorted(all_keys, key)
        comps[:, axis] = np.bincount(idx, minlength=all_keys.size)
    area_vox = np.sqrt(np.sum(comps**2, axis=1))
    pairs = np.column_stack([all_keys // n_lab, all_keys % n_lab])
    if lab.ndim == 3:
        areas = area_vox * size**2
        diam = np.sqrt(4.0 * areas / np.pi)
    else:
        areas = area_vox * size
        diam = areas.copy()
    mean, std, cv = _stats(diam)
    return WindowSizes(pairs=pairs, areas_m2=areas, diameters_m=diam, mean_m=mean, std_m=std, cv=cv)
