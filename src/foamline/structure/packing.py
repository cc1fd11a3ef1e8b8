"""Dense polydisperse sphere packing in a periodic box: the seeds of the foam cells.

A Laguerre tessellation reproduces a target cell-size distribution only when its seeds come
from a *dense, non-overlapping* sphere packing: each cell then holds its sphere plus a share of
the gaps, so the cell volume follows the sphere volume (Redenbach 2009; GeoDict FoamGeo). Random
(Poisson) seeds instead give cell volumes with a coefficient of variation near 0.42 whatever
the weights are.

Algorithm (collective rearrangement with growth, in the spirit of Lubachevsky & Stillinger 1990
and the force-biased algorithm of Bargiel & Moscinski 1991):

1. Place the N centres uniformly at random in the box; the radii are ``s * R_i`` with the
   relative radii ``R_i`` and a scale ``s`` that is ramped up over the first iterations until
   the nominal packing fraction ``sum(4/3 pi (s R_i)^3) / V_box`` reaches the target.
2. Each iteration finds the overlapping pairs with a periodic ``scipy.spatial.cKDTree`` and
   pushes every pair apart along the line of centres by its overlap
   ``h_ij = r_i + r_j - |c_i - c_j|``; sphere i moves by ``h_ij r_j^3 / (r_i^3 + r_j^3)``
   (the larger sphere moves less, as for a momentum-conserving collision).
3. Stop when the largest overlap is below ``tolerance * mean radius``. The final radii are
   shrunk by the smallest factor that removes every remaining overlap, so the returned
   packing is strictly non-overlapping and its packing fraction is reported.

Lengths are in the caller's units (the generator uses voxels).

References
----------
Lubachevsky, B.D., Stillinger, F.H. Geometric properties of random disk packings.
J. Stat. Phys. 60 (1990) 561-583.
Bargiel, M., Moscinski, J. C-language program for the irregular close packing of hard spheres.
Comput. Phys. Commun. 64 (1991) 183-192.
Redenbach, C. Microstructure models for cellular materials. Comput. Mater. Sci. 44 (2009)
1397-1407.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

__all__ = ["SpherePacking", "pack_spheres"]


@dataclass(frozen=True)
class SpherePacking:
    """A non-overlapping sphere packing in a periodic box.

    Attributes
    ----------
    centres : (N, 3) float array, inside ``[0, box)``.
    radii : (N,) float array, proportional to the requested relative radii.
    box : (3,) float array, box edge lengths (the packing is periodic along all three axes).
    packing_fraction : sum of sphere volumes / box volume.
    iterations : rearrangement iterations used.
    """

    centres: NDArray[np.float64]
    radii: NDArray[np.float64]
    box: NDArray[np.float64]
    packing_fraction: float
    iterations: int


def _minimum_image(d: NDArray[np.float64], box: NDArray[np.float64]) -> NDArray[np.float64]:
    return d - box * np.round(d / box)


def pack_spheres(
    relative_radii: NDArray[np.float64],
    box: tuple[float, float, float] | NDArray[np.float64],
    rng: np.random.Generator,
    *,
    packing_fraction: float = 0.60,
    max_iterations: int = 400,
    tolerance: float = 2e-3,
    growth_iterations: int = 40,
) -> SpherePacking:
    """Pack spheres with the given relative radii densely into a periodic ``box``.

    Parameters
    ----------
    relative_radii : (N,) positive floats; only their ratios matter.
    box : box edge lengths (any length unit).
    rng : numpy random generator (the only source of randomness: same state, same packing).
    packing_fraction : nominal packing fraction to grow to; 0.55-0.62 is dense but below
        jamming for size spreads of 5-20 %, so the rearrangement converges.
    max_iterations, tolerance : stop after this many iterations or when the largest overlap is
        below ``tolerance`` times the mean radius.
    growth_iterations : iterations over which the radii are ramped to their final size.

    Returns
    -------
    SpherePacking with radii in box units.
    """
    rel = np.asarray(relative_radii, dtype=float)
    box_arr = np.asarray(box, dtype=float)
    if rel.ndim != 1 or rel.size < 2 or np.any(rel <= 0):
        raise ValueError("relative_radii must be a 1-D array of at least 2 positive values")
    n = rel.size
    volume = float(np.prod(box_arr))
    scale_final = (packing_fraction * volume / (4.0 / 3.0 * np.pi * np.sum(rel**3))) ** (1 / 3)
    centres = rng.random((n, 3)) * box_arr
    mean_r = scale_final * rel.mean()
    it = 0
    for it in range(1, max_iterations + 1):
        ramp = min(1.0, it / growth_iterations) ** (1 / 3)
        r = scale_final * ramp * rel
        tree = cKDTree(centres, boxsize=box_arr)
        pairs = tree.query_pairs(2.0 * r.max(), output_type="ndarray")
        if pairs.size == 0:
            if ramp >= 1.0:
                break
            continue
        i, j = pairs[:, 0], pairs[:, 1]
        d = _minimum_image(centres[j] - centres[i], box_arr)
        dist = np.sqrt(np.einsum("ij,ij->i", d, d))
        overlap = r[i] + r[j] - dist
        hit = overlap > 0
        if not np.any(hit):
            if ramp >= 1.0:
                break
            continue
        i, j, d, dist, overlap = i[hit], j[hit], d[hit], dist[hit], overlap[hit]
        unit = d / np.maximum(dist, 1e-12)[:, None]
        vi, vj = r[i] ** 3, r[j] ** 3
        share_i = vj / (vi + vj)
        push_i = -(overlap * share_i)[:, None] * unit
        push_j = (overlap * (1.0 - share_i))[:, None] * unit
        move = np.zeros_like(centres)
        for axis in range(3):
            move[:, axis] = np.bincount(i, push_i[:, axis], minlength=n) + np.bincount(
                j, push_j[:, axis], minlength=n
            )
        centres = np.mod(centres + move, box_arr)
        if ramp >= 1.0 and overlap.max() < tolerance * mean_r:
            break

    # Shrink uniformly so that no pair overlaps at all.
    r = scale_final * rel
    tree = cKDTree(centres, boxsize=box_arr)
    pairs = tree.query_pairs(2.0 * r.max(), output_type="ndarray")
    shrink = 1.0
    if pairs.size:
        d = _minimum_image(centres[pairs[:, 1]] - centres[pairs[:, 0]], box_arr)
        dist = np.sqrt(np.einsum("ij,ij->i", d, d))
        shrink = min(1.0, float(np.min(dist / (r[pairs[:, 0]] + r[pairs[:, 1]]))))
    r = r * shrink
    fraction = float(4.0 / 3.0 * np.pi * np.sum(r**3) / volume)
    return SpherePacking(
        centres=centres, radii=r, box=box_arr, packing_fraction=fraction, iterations=it
    )
