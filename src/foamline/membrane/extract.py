"""A pore network extracted from a segmented image (real micro-CT volumes, SEM stacks).

The watershed pore partition (as PoreSpy's SNOW, Gostick, Phys. Rev. E 96 (2017) 023307):
the Euclidean distance transform of the void, its maxima (after a light Gaussian smoothing, at
least ``min_distance`` voxels apart) as markers, and the watershed of its negative inside the
void. Pores are the regions; a throat joins two regions that share voxel faces. Sizes: pore
diameter 2 max(dt) in the region, throat diameter 2 max(dt) on its interface (the inscribed
diameter, which sets capillary entry). A throat conducts as a conduit of three parts in series,
half-pore, throat, half-pore (the OpenPNM conduit convention): each half-pore a Hagen-Poiseuille
tube of the pore diameter over the distance from the pore centroid to the interface centroid,
the throat the Sampson orifice of its diameter (:mod:`.network`). Regions on the first and last
slice along ``axis`` open to the feed and permeate through their face, with the inscribed
diameter on that face.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage
from skimage.feature import peak_local_max
from skimage.segmentation import watershed

from foamline.membrane.network import PoreNetwork


def segment_pores(void: np.ndarray, min_distance: int = 3, sigma: float = 0.4) -> np.ndarray:
    """Watershed partition of the void into pores: int labels 1..n, 0 on solid."""
    dt = ndimage.distance_transform_edt(void)
    smooth = ndimage.gaussian_filter(dt, sigma) if sigma > 0 else dt
    peaks = peak_local_max(smooth, min_distance=min_distance, labels=void.astype(np.int32))
    markers = np.zeros(void.shape, dtype=np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    return watershed(-smooth, markers, mask=void).astype(np.int32)


def network_from_image(
    void: np.ndarray, voxel_size: float, axis: int = 2, labels: np.ndarray | None = None, **kw
) -> PoreNetwork:
    """Pore network of a boolean image (True = void), flow along ``axis``; lengths in m.

    ``labels``: a partition of the void into pores (int, 0 on solid), e.g. the cells of a foam
    volume; by default the watershed of :func:`segment_pores` (``kw`` go to it).
    """
    void = np.asarray(void, dtype=bool)
    labels = segment_pores(void, **kw) if labels is None else labels
    dt = ndimage.distance_transform_edt(void)
    n = int(labels.max())
    index = np.arange(1, n + 1)
    centroid = np.array(ndimage.center_of_mass(void, labels, index)).reshape(n, 3)
    pore_d = 2.0 * np.asarray(ndimage.maximum(dt, labels, index))
    # interfaces between neighbouring regions, along each axis
    a_all, b_all, r_all, pos_all = [], [], [], []
    for ax in range(3):
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[ax], hi[ax] = slice(0, -1), slice(1, None)
        la, lb = labels[tuple(lo)], labels[tuple(hi)]
        mask = (la > 0) & (lb > 0) & (la != lb)
        a, b = np.minimum(la[mask], lb[mask]), np.maximum(la[mask], lb[mask])
        radius = np.minimum(dt[tuple(lo)][mask], dt[tuple(hi)][mask])
        pos = np.argwhere(mask).astype(float)
        pos[:, ax] += 0.5
        a_all.append(a), b_all.append(b), r_all.append(radius), pos_all.append(pos)
    a, b = np.concatenate(a_all), np.concatenate(b_all)
    radius, pos = np.concatenate(r_all), np.concatenate(pos_all)
    key = a.astype(np.int64) * (n + 1) + b
    uniq, inverse = np.unique(key, return_inverse=True)
    t_a, t_b = uniq // (n + 1), uniq % (n + 1)
    t_r = np.zeros(len(uniq))
    np.maximum.at(t_r, inverse, radius)
    t_pos = np.zeros((len(uniq), 3))
    np.add.at(t_pos, inverse, pos)
    t_pos /= np.bincount(inverse)[:, None]
    throats = [np.column_stack([t_a - 1, t_b - 1])]
    diam = [2.0 * t_r]
    half_a = np.linalg.norm(centroid[t_a - 1] - t_pos, axis=1)
    half_b = np.linalg.norm(centroid[t_b - 1] - t_pos, axis=1)
    pores = [np.column_stack([t_a - 1, t_b - 1])]
    lengths = [(half_a, half_b)]
    # boundary faces: feed at index 0, permeate at the last slice
    for reservoir, where in ((PoreNetwork.FEED, 0), (PoreNetwork.PERMEATE, void.shape[axis] - 1)):
        face = np.take(labels, where, axis=axis)
        face_dt = np.take(dt, where, axis=axis)
        present = np.unique(face[face > 0])
        if present.size == 0:
            continue
        r = np.asarray(ndimage.maximum(face_dt, face, present))
        throats.append(np.column_stack([np.full(present.size, reservoir), present - 1]))
        diam.append(2.0 * r)
        dist = np.abs(centroid[present - 1, axis] - where)
        pores.append(np.column_stack([np.full(present.size, -1), present - 1]))
        lengths.append((np.zeros(present.size), dist))
    throats = np.vstack(throats)
    diameter = np.concatenate(diam) * voxel_size
    d_pore_a = np.concatenate(
        [np.where(p[:, 0] >= 0, pore_d[np.maximum(p[:, 0], 0)], 1.0) for p in pores]
    )
    d_pore_b = np.concatenate([pore_d[p[:, 1]] for p in pores])
    l_a = np.concatenate([la for la, _ in lengths])
    l_b = np.concatenate([lb for _, lb in lengths])
    # equivalent length of a Hagen-Poiseuille throat with the pores' resistance in series:
    # R = 128 mu / pi * (l_a / d_a^4 + l_b / d_b^4) = 128 mu L_eq / (pi d_t^4)
    d_t = np.maximum(diameter, 0.5 * voxel_size)
    scale = voxel_size
    equiv = (l_a * scale / (d_pore_a * scale) ** 4 + l_b * scale / (d_pore_b * scale) ** 4) * d_t**4
    shape = void.shape
    area = math.prod(shape) / shape[axis] * voxel_size**2
    return PoreNetwork(n, throats.astype(int), d_t, equiv, area, shape[axis] * voxel_size)
