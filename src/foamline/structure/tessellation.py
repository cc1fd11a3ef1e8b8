"""Laguerre (power) tessellation evaluated on a voxel grid, with exact distances to the faces.

Each site i has a centre ``c_i`` and a radius ``r_i`` (the packed sphere). The *power* of a
point x with respect to site i is

    pi_i(x) = |x - c_i|^2 - r_i^2                                          (1)

and the Laguerre cell of i is the set of points whose power is smallest for i (Aurenhammer
1987). Cells are convex polyhedra; with equal radii they reduce to Voronoi cells. The face
between neighbouring cells i and j lies on the plane pi_i = pi_j. Because pi_j - pi_i is linear
in x,

    D_ij(x) = (pi_j(x) - pi_i(x)) / (2 |c_i - c_j|) = n_ij . x + e_ij      (2)

with the unit normal n_ij = (c_i - c_j)/|c_i - c_j| is the exact signed distance from x to the
face plane (positive on i's side). Inside the convex cell i the distance to the cell boundary
is min_j D_ij over the Laguerre neighbours j, so this module returns for every voxel centre:
the owning site, the smallest distance ``d1`` with the neighbour ``j1`` across that face, and
the second-smallest ``d2`` (to the face of another neighbour). Walls are ``d1 < t/2``; the edges
where three or more cells meet (struts, Plateau borders) are where ``d2`` is small as well.

The neighbours come from the regular (weighted Delaunay) triangulation, computed as the lower
convex hull of the lifted points (c_i, |c_i|^2 - r_i^2) in 4-D with Qhull
(``scipy.spatial.ConvexHull``). The owner of each voxel is found block by block: over a block
with centre b and half-diagonal h, the power of site j lies in
``[max(0, |b - c_j| - h)^2 - r_j^2, (|b - c_j| + h)^2 - r_j^2]``, so only sites whose lower
bound beats the best upper bound are compared; no n_sites x n_voxels array is formed. Blocks
run on a small thread pool (numpy releases the GIL in the heavy operations).

Units: voxels (voxel k spans [k, k+1); its centre is k + 0.5).

References
----------
Aurenhammer, F. Power diagrams: properties, algorithms and applications.
SIAM J. Comput. 16 (1987) 78-96.
Barber, C.B., Dobkin, D.P., Huhdanpaa, H. The Quickhull algorithm for convex hulls.
ACM Trans. Math. Softw. 22 (1996) 469-483.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import ConvexHull

__all__ = ["PowerField", "laguerre_labels", "laguerre_neighbours", "power_field"]


@dataclass(frozen=True)
class PowerField:
    """Per-voxel result of :func:`power_field` (all arrays have the grid shape).

    Attributes
    ----------
    site : int32, index of the owning site (smallest power).
    d1 : float32, distance (voxels) from the voxel centre to the nearest face plane of its cell.
    neighbour : int32, the site across that nearest face.
    d2 : float32, distance to the nearest face plane of another neighbour.
    """

    site: NDArray[np.int32]
    d1: NDArray[np.float32]
    neighbour: NDArray[np.int32]
    d2: NDArray[np.float32]


def laguerre_neighbours(
    centres: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Pairs (i, j), i < j, of sites whose Laguerre cells share a face (possibly tiny).

    From the lower hull of the lifted points (c, |c|^2 - w); a site whose cell is empty
    (hidden by its neighbours' weights) has no pair.
    """
    lifted = np.column_stack([centres, np.einsum("ij,ij->i", centres, centres) - weights])
    hull = ConvexHull(lifted)
    simplices = hull.simplices[hull.equations[:, 3] < 0]
    a, b = np.triu_indices(4, k=1)
    pairs = np.sort(np.concatenate([simplices[:, [i, j]] for i, j in zip(a, b, strict=True)]), 1)
    return np.unique(pairs, axis=0)


def _block_slices(shape: tuple[int, ...], block: int) -> list[tuple[slice, ...]]:
    starts = [range(0, n, block) for n in shape]
    return [
        tuple(slice(s, min(s + block, n)) for s, n in zip(corner, shape, strict=True))
        for corner in (
            tuple(r[k] for r, k in zip(starts, idx, strict=True))
            for idx in np.ndindex(*(len(r) for r in starts))
        )
    ]


def _workers(workers: int | None) -> int:
    return workers if workers is not None else max(1, min(2, os.cpu_count() or 1))


def _run(func, items, workers: int) -> None:  # noqa: ANN001
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(func, items))
    else:
        for item in items:
            func(item)


def laguerre_labels(
    centres: NDArray[np.float64],
    weights: NDArray[np.float64],
    shape: tuple[int, int, int],
    *,
    spacing: tuple[float, float, float] = (1.0, 1.0, 1.0),
    block: int = 16,
    workers: int | None = None,
) -> NDArray[np.int32]:
    """Index of the site of smallest power (eq. 1, with ``r_i^2`` replaced by ``weights``).

    Parameters
    ----------
    centres : (M, 3) site centres in voxel units; periodic images are separate sites supplied
        by the caller (enough of them to surround the grid by at least one cell).
    weights : (M,) power weights in voxel^2 (``r^2`` for a packing of radius r).
    shape : grid shape; sample point k along axis a sits at ``(k + 0.5) * spacing[a]``.
    spacing : sample spacing per axis in voxel units (a coarser grid for quick volume
        estimates; 1 for the voxel grid itself).
    block : block edge in samples.
    workers : threads (default: 2, or fewer if fewer CPUs).
    """
    step = np.asarray(spacing, dtype=np.float64)
    centres = np.ascontiguousarray(centres, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    c2 = np.einsum("ij,ij->i", centres, centres) - w
    site = np.empty(shape, dtype=np.int32)

    def label_block(sl: tuple[slice, ...]) -> None:
        axes = [
            (np.arange(s.start, s.stop, dtype=np.float64) + 0.5) * step[a] for a, s in enumerate(sl)
        ]
        lo = np.array([s.start for s in sl], dtype=float) * step
        hi = np.array([s.stop for s in sl], dtype=float) * step
        b = 0.5 * (lo + hi)
        h = 0.5 * float(np.linalg.norm(hi - lo))
        dist_b = np.linalg.norm(centres - b, axis=1)
        lower = np.maximum(dist_b - h, 0.0) ** 2 - w
        cand = np.flatnonzero(lower <= ((dist_b + h) ** 2 - w).min())
        # Power minus |x|^2 (common to all sites), from the separable grid; explicit
        # broadcasting rather than BLAS keeps OpenBLAS threads out of the thread pool.
        cc = centres[cand]
        power = (
            c2[cand]
            - 2.0 * axes[0][:, None, None, None] * cc[:, 0]
            - 2.0 * axes[1][None, :, None, None] * cc[:, 1]
            - 2.0 * axes[2][None, None, :, None] * cc[:, 2]
        )
        site[sl] = cand[np.argmin(power, axis=-1)]

    _run(label_block, _block_slices(shape, block), _workers(workers))
    return site


def power_field(
    centres: NDArray[np.float64],
    weights: NDArray[np.float64],
    shape: tuple[int, int, int],
    *,
    block: int = 16,
    workers: int | None = None,
) -> PowerField:
    """Label every voxel of ``shape`` by its Laguerre cell and measure distances to the faces.

    Parameters are those of :func:`laguerre_labels`.

    Returns
    -------
    PowerField
    """
    centres = np.ascontiguousarray(centres, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    m = centres.shape[0]
    c2 = np.einsum("ij,ij->i", centres, centres) - w
    n_workers = _workers(workers)

    # Face planes of every site: for neighbour j of i, D_ij(x) = n_ij . x + e_ij (eq. 2).
    pairs = laguerre_neighbours(centres, w)
    both = np.concatenate([pairs, pairs[:, ::-1]])
    order = np.lexsort((both[:, 1], both[:, 0]))
    src, dst = both[order, 0], both[order, 1]
    degree = np.bincount(src, minlength=m)
    k_max = max(int(degree.max()), 2)
    slot = np.arange(src.size) - np.repeat(np.cumsum(degree) - degree, degree)
    nbr_table = np.full((m, k_max), -1, dtype=np.int32)
    nbr_table[src, slot] = dst
    diff = centres[src] - centres[dst]
    sep = np.linalg.norm(diff, axis=1)
    normals = np.zeros((m, k_max, 3), dtype=np.float32)
    offsets = np.full((m, k_max), np.inf, dtype=np.float32)
    normals[src, slot] = diff / sep[:, None]
    offsets[src, slot] = (c2[dst] - c2[src]) / (2.0 * sep)

    site = laguerre_labels(centres, w, shape, block=block, workers=n_workers)

    # Distances to the faces, site by site (eq. 2 with that site's neighbour planes only).
    flat_site = site.ravel()
    order = np.argsort(flat_site, kind="stable")
    counts = np.bincount(flat_site, minlength=m)
    ends = np.cumsum(counts)
    d1 = np.empty(flat_site.size, dtype=np.float32)
    d2 = np.empty(flat_site.size, dtype=np.float32)
    nbr = np.empty(flat_site.size, dtype=np.int32)
    strides = np.array([shape[1] * shape[2], shape[2], 1])
    owners = np.flatnonzero(counts)

    def distances(sites: NDArray[np.int64]) -> None:
        for i in sites:
            idx = order[ends[i] - counts[i] : ends[i]]
            coords = np.empty((idx.size, 3), dtype=np.float32)
            rest = idx
            for axis in range(3):
                coords[:, axis], rest = np.divmod(rest, strides[axis])
            coords += 0.5
            deg = max(int(degree[i]), 2)
            nrm = normals[i, :deg]
            dist = (
                coords[:, 0:1] * nrm[:, 0]
                + coords[:, 1:2] * nrm[:, 1]
                + coords[:, 2:3] * nrm[:, 2]
                + offsets[i, :deg]
            )
            rows = np.arange(idx.size)
            j1 = np.argmin(dist, axis=1)
            d1[idx] = dist[rows, j1]
            nbr[idx] = nbr_table[i, j1]
            dist[rows, j1] = np.inf
            d2[idx] = dist.min(axis=1)

    _run(distances, np.array_split(owners, 4 * n_workers), n_workers)
    return PowerField(
        site=site, d1=d1.reshape(shape), neighbour=nbr.reshape(shape), d2=d2.reshape(shape)
    )
