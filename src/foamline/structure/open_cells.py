"""Open-cell content: the gas-pycnometry meaning (ASTM D6226) and the ruptured-wall meaning.

**Pycnometry (ASTM D6226 / ISO 4590).** A gas pycnometer fills the void that is connected to
the specimen surface; closed cells and the solid are "impenetrable". On an image, the
accessible void is the union of the (face-connected by default) void components touching the
surfaces: the two faces normal to ``axis`` for a membrane (z = 0 and z = L), or every face.

    uncorrected = V_acc / V_void                                                       (1)

Cells cut open by the surfaces count as open although their walls may be intact. D6226 removes
their volume (from the cell size of ASTM D3576); here, with the cells known (``labels``), the
cut cells are those whose void touches a surface, V_cut is their void volume, and

    corrected = (V_acc - V_cut) / (V_void - V_cut)                                     (2)

is the accessible fraction of the void of the uncut cells: 0 for a closed-cell foam whatever
its surface, 1 when every cell is reachable. Without labels, V_cut is estimated as the void in
a layer half a cell deep under each surface (the volume of spheres of diameter d cut by a
plane is A d / 2 per unit area, times the porosity phi):

    V_cut = phi A_surface d / 2,   d = cell diameter (given, or 1.5 x mean void chord,
                                   the Cauchy relation for spheres)                    (3)

D6226 reports the open volume relative to the geometric volume; ``open_volume_fraction``
gives that number, (V_acc - V_cut) / (V_total - V_cut).

**Ruptured walls (the granted claim's wording).** On a generated structure the walls are
known: a cell is open when at least two of its walls are ruptured. For walls ruptured
independently with probability p, a cell with z faces is open with probability

    P(k >= 2) = 1 - (1 - p)^z - z p (1 - p)^(z - 1)                                   (4)

(binomial); :func:`wall_rupture_table` compares (4) with Monte-Carlo draws on the structure's
own face graph and adds the pycnometer meaning (cells connected to a surface through ruptured
walls).

References
----------
ASTM D6226-21, Standard test method for open cell content of rigid cellular plastics.
ASTM D3576-20, Standard test method for cell size of rigid cellular plastics.
ISO 4590:2016, Rigid cellular plastics - Determination of the volume percentage of open cells
and of closed cells.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage as ndi
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from foamline.errors import ImageError
from foamline.structure._common import StructureWarning, as_void

if TYPE_CHECKING:
    from foamline.structure.generator import FoamStructure

__all__ = [
    "OpenCellContent",
    "RuptureRow",
    "open_cell_fraction",
    "open_cell_fraction_by_walls",
    "wall_rupture_table",
]


#: Reference (structure-membrane.md section 2.5, a Monte-Carlo on Poisson-Voronoi adjacency,
#: mean coordination about 15.5): fraction of ruptured walls p -> (cells accessible from the
#: faces, cells with no ruptured wall, cells with >= 2 ruptured walls).
RUPTURE_REFERENCE_TABLE = {
    0.05: (0.05, 0.46, 0.15),
    0.08: (0.33, 0.27, 0.31),
    0.10: (0.57, 0.20, 0.42),
    0.12: (0.75, 0.14, 0.51),
    0.15: (0.87, 0.09, 0.65),
    0.20: (0.95, 0.04, 0.80),
    0.30: (0.99, 0.01, 0.94),
}


@dataclass(frozen=True)
class OpenCellContent:
    """Open-cell content of an image (fractions 0-1).

    Attributes
    ----------
    corrected : accessible fraction of the void of the uncut cells (eq. 2).
    uncorrected : accessible fraction of all void (eq. 1).
    cut_fraction : V_cut / V_void, the void removed by the correction.
    open_volume_fraction : (V_acc - V_cut) / (V_total - V_cut), D6226's volume basis.
    porosity : V_void / V_total.
    method : "labels" (cut cells from the labels), "geometric" (eq. 3) or "none".
    """

    corrected: float
    uncorrected: float
    cut_fraction: float
    open_volume_fraction: float
    porosity: float
    method: str

    @property
    def closed(self) -> float:
        """Closed-cell fraction of the void of the uncut cells, 1 - corrected."""
        return 1.0 - self.corrected


def _periodic_merge(
    comp: NDArray[np.int32], n: int, periodic: set[int], structure: NDArray[np.bool_]
) -> NDArray[np.int32]:
    """Map component ids so that components joined across a periodic border share one id."""
    ndim = comp.ndim
    rows, cols = [], []
    centre = np.ones(ndim, dtype=int)
    offsets = np.argwhere(structure) - centre
    for axis in periodic:
        first = np.take(comp, 0, axis=axis)
        last = np.take(comp, -1, axis=axis)
        others = [a for a in range(ndim) if a != axis]
        for o in offsets[offsets[:, axis] == 1]:
            # Voxel p on the last slice neighbours voxel p + o_other on the first slice.
            shifted = first
            valid = np.ones(first.shape, dtype=bool)
            for k, a in enumerate(others):
                step = int(o[a])
                if step == 0:
                    continue
                shifted = np.roll(shifted, -step, axis=k)
                if a not in periodic:
                    edge = [slice(None)] * (ndim - 1)
                    edge[k] = slice(-1, None) if step > 0 else slice(0, 1)
                    valid[tuple(edge)] = False
            both = valid & (last > 0) & (shifted > 0)
            rows.append(last[both])
            cols.append(shifted[both])
    if not rows:
        return np.arange(n + 1, dtype=np.int32)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    graph = coo_matrix((np.ones(r.size), (r, c)), shape=(n + 1, n + 1))
    _, merged = connected_components(graph, directed=False)
    return merged.astype(np.int32)


def open_cell_fraction(
    void: ArrayLike,
    labels: ArrayLike | None = None,
    axis: int | None = 2,
    *,
    periodic_axes: Sequence[int] = (),
    connectivity: int = 1,
    cell_diameter_m: float | None = None,
    voxel_size: float | None = None,
) -> OpenCellContent:
    """Open-cell content by gas-pycnometry accessibility, with the cut-cell correction.

    Parameters
    ----------
    void : bool array, 2-D or 3-D, True = void.
    labels : cell labels of the void (> 0), e.g. ``FoamStructure.labels``; they identify the
        cut cells (eq. 2). Without them the geometric estimate (eq. 3) is used.
    axis : the gas enters through the two faces normal to ``axis`` (a membrane's z = 2);
        ``None`` for every face not in ``periodic_axes`` (a cut cube, as in D6226).
    periodic_axes : axes along which the image wraps (void joined across the border).
    connectivity : 1 = face-connected void (the default; a one-voxel wall is gas tight),
        up to ``ndim`` = connected through corners too.
    cell_diameter_m, voxel_size : mean cell diameter for eq. 3 (both needed together);
        default 1.5 x the mean void chord.

    Returns
    -------
    OpenCellContent

    Examples
    --------
    >>> import numpy as np
    >>> im = np.ones((20, 20, 20), bool)
    >>> im[:, :, 9] = False                     # a solid sheet: both halves reach a surface
    >>> open_cell_fraction(im, axis=2).uncorrected
    1.0
    """
    im = as_void(void)
    ndim = im.ndim
    periodic = {a % ndim for a in periodic_axes}
    if axis is not None and not -ndim <= axis < ndim:
        raise ImageError(f"axis {axis} does not exist in a {ndim}-D image")
    if not 1 <= connectivity <= ndim:
        raise ImageError(f"connectivity must be 1..{ndim}, got {connectivity}")
    struct = ndi.generate_binary_structure(ndim, connectivity)
    comp, n = ndi.label(im, structure=struct)
    if periodic and n:
        comp = _periodic_merge(comp, n, periodic, struct)[comp]
    surface_axes = (
        [axis % ndim] if axis is not None else [a for a in range(ndim) if a not in periodic]
    )
    if not surface_axes:
        raise ImageError("no surface: every axis is periodic")
    on_surface = np.zeros(int(comp.max()) + 1, dtype=bool)
    face_area = 0
    for a in surface_axes:
        for index in (0, -1):
            on_surface[np.take(comp, index, axis=a).ravel()] = True
            face_area += int(np.prod([s for k, s in enumerate(im.shape) if k != a]))
    on_surface[0] = False
    v_void = int(np.count_nonzero(im))
    v_total = im.size
    if v_void == 0:
        raise ImageError("the image has no void")
    v_acc = int(np.count_nonzero(on_surface[comp]))

    if labels is not None:
        lab = np.asarray(labels)
        if lab.shape != im.shape:
            raise ImageError(f"labels shape {lab.shape} differs from image shape {im.shape}")
        lab = np.where(im, lab, 0).astype(np.int64)
        cut = np.zeros(int(lab.max()) + 1, dtype=bool)
        for a in surface_axes:
            for index in (0, -1):
                cut[np.take(lab, index, axis=a).ravel()] = True
        cut[0] = False
        v_cut = int(np.count_nonzero(cut[lab]))
        method = "labels"
    else:
        if cell_diameter_m is not None:
            if voxel_size is None:
                raise ImageError("cell_diameter_m needs voxel_size to be converted to voxels")
            d_vox = cell_diameter_m / voxel_size
        else:
            from foamline.structure.chords import chord_length_distribution

            chords = [chord_length_distribution(im, 1.0, a).mean_m for a in range(ndim)]
            chords = [c for c in chords if np.isfinite(c)]
            d_vox = 1.5 * float(np.mean(chords)) if chords else 0.0
        phi = v_void / v_total
        v_cut = int(min(round(phi * face_area * d_vox / 2.0), v_acc))
        method = "geometric"
    if v_void - v_cut <= 0:
        warnings.warn(
            "every cell is cut by a surface: the corrected open-cell content is undefined; "
            "use a thicker sample",
            StructureWarning,
            stacklevel=2,
        )
        corrected = float("nan")
    else:
        corrected = float(np.clip((v_acc - v_cut) / (v_void - v_cut), 0.0, 1.0))
    return OpenCellContent(
        corrected=corrected,
        uncorrected=v_acc / v_void,
        cut_fraction=v_cut / v_void,
        open_volume_fraction=float(np.clip((v_acc - v_cut) / max(v_total - v_cut, 1), 0, 1)),
        porosity=v_void / v_total,
        method=method,
    )


def open_cell_fraction_by_walls(structure: FoamStructure, min_ruptured: int = 2) -> float:
    """Fraction of the uncut cells of a generated structure with >= ``min_ruptured`` ruptured
    walls (the granted claim counts a cell as open with at least two ruptured walls)."""
    k = structure.ruptured_walls_per_cell()[~structure.cut]
    if k.size == 0:
        raise ImageError("the structure has no uncut cell")
    return float(np.mean(k >= min_ruptured))


@dataclass(frozen=True)
class RuptureRow:
    """One row of :func:`wall_rupture_table` (fractions of the uncut cells)."""

    ruptured_fraction: float
    accessible: float
    no_ruptured_wall: float
    ruptured_walls_ge1: float
    ruptured_walls_ge2: float
    binomial_ge2: float


def wall_rupture_table(
    structure: FoamStructure,
    fractions: Sequence[float] = (0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.30),
    *,
    n_realisations: int = 200,
    seed: int | None = 0,
) -> list[RuptureRow]:
    """Open-cell content versus fraction of ruptured walls on this structure's face graph.

    For each fraction p, walls are ruptured independently ``n_realisations`` times; the row
    holds the mean fractions of uncut cells that are accessible (connected to a cell whose
    void touches z = 0 or z = L through ruptured walls: the pycnometer meaning), that have no
    ruptured wall, at least one, at least two, and the binomial estimate (eq. 4) from each
    cell's own number of faces.
    """
    faces = structure.faces.astype(np.int64) - 1
    n = structure.n_cells
    interior = ~structure.cut
    if not interior.any():
        raise ImageError("the structure has no uncut cell")
    lab = structure.labels
    surface = np.zeros(n, dtype=bool)
    for index in (0, -1):
        present = np.unique(lab[:, :, index])
        surface[present[present > 0] - 1] = True
    z = structure.coordination()[interior].astype(float)
    rng = np.random.default_rng(seed)
    rows = []
    for p in fractions:
        acc = none = ge1 = ge2 = 0.0
        for _ in range(n_realisations):
            broken = rng.random(faces.shape[0]) < p
            k = np.bincount(faces[broken].ravel(), minlength=n)[interior]
            none += np.mean(k == 0)
            ge1 += np.mean(k >= 1)
            ge2 += np.mean(k >= 2)
            e = faces[broken]
            graph = coo_matrix((np.ones(e.shape[0]), (e[:, 0], e[:, 1])), shape=(n, n))
            _, comp = connected_components(graph, directed=False)
            open_comp = np.zeros(comp.max() + 1, dtype=bool)
            open_comp[comp[surface]] = True
            acc += np.mean(open_comp[comp][interior])
        m = float(n_realisations)
        binomial = 1 - (1 - p) ** z - z * p * (1 - p) ** np.maximum(z - 1, 0)
        rows.append(
            RuptureRow(
                ruptured_fraction=float(p),
                accessible=acc / m,
                no_ruptured_wall=none / m,
                ruptured_walls_ge1=ge1 / m,
                ruptured_walls_ge2=ge2 / m,
                binomial_ge2=float(binomial.mean()),
            )
        )
    return rows
