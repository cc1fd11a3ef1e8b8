"""Cells, void and wall openings in a 2-D SEM section of a foamed membrane.

In a secondary-electron image of a foam's cross-section the cells are dark or grey cups and
the cell walls are bright rims (the edge effect makes every edge bright). The steps:

1. **Grey levels** are scaled to 0-1 over the analysed image and smoothed with a Gaussian of
   1 px (noise).
2. **Threshold.** Otsu's threshold (Otsu 1979) of the smoothed image splits it into a dark
   phase (cell interiors) and a bright one (walls); ``threshold`` overrides it.
3. **Markers.** The Euclidean distance map of the dark phase has one dome per cell; domes
   higher than h = max(1 px, 0.2 r_typ) (h-maxima; r_typ the median dome height) become the
   cell markers, so two cells joined through a broken wall get two markers (Vincent & Soille
   1991 watershed from markers; the usual "watershed on the distance transform").
4. **Membrane region.** Stub or resin background around the film is smooth; the film is
   textured at the cell scale. The region is the image minus the large smooth areas (local
   standard deviation in a window of one cell diameter below 6 times the noise of the smoothed
   image, blobs larger than (2 cells)^2), minus dense layers (less than 30 % of the film's
   typical void density within 1.5 cell diameters), closed, filled, and its largest part kept.
5. **Cells.** The markers flood the smoothed image, clipped from below at the threshold,
   minus a small multiple of the distance map: across the bright phase the walls' intensity
   ridges part the cells, inside the dark phase the distance map alone splits joined cells at
   their neck, undisturbed by noise. Each basin is one cell with its share of the walls.
   Neighbouring basins are merged when their common border is neither a wall (not brighter
   than their floors by 30 % of the typical wall contrast) nor a neck (the distance map along
   it keeps 70 % of the smaller dome's height): this undoes the over-splitting of elongated
   cells, while two cells joined through a broken wall stay two.
6. **Cell interiors (the void).** A cell's interior is the part of its basin darker than the
   half-height between the cell's floor (median grey of its core) and its wall crest (median
   grey along the basin border): the edge of a bright rim is placed where a person places it,
   at half its rise, whatever the cell's depth (the mid-range rule of Bernsen's local
   threshold, applied per cell). With a user ``threshold`` that global value is used instead.
   Holes inside an interior (openings, specks) are filled.
7. **Which cells count.** A profile is rejected as not a cell when its wall contrast is under
   40 % of the typical one, when more than half of its outline has no wall pixel (one above
   the cell's level) within 2 px, i.e. it is a watershed cut through a grey surface and no rim
   encloses it (a fractured wall face), or when its equivalent diameter is under
   max(3 px, 0.15 x the median). Cells touching the image border or the edge of the membrane
   region are cut and not measured, but their interior counts as void.
8. **Sizes.** Equivalent-circle diameter d = (4 A / pi)^(1/2) of each measured cell interior,
   number weighted; void fraction = void area / membrane-region area, which equals the volume
   fraction for an isotropic uniform random section (Delesse's principle, A_A = V_V;
   Underwood 1970).
9. **Wall openings.** Openings in the wall at the bottom of a cell show as small dark holes in
   its interior. Black top-hat of the smoothed image with a disc of radius
   r_o = max(2 px, 0.15 x median cell diameter); hysteresis threshold at 20 % and 35 % of the
   typical wall contrast; blobs of 4 px or more, no larger than 2 r_o + 1 across, roughly round
   (eccentricity <= 0.9), at least half inside a cell interior and darker than that cell's
   floor by a quarter of the wall contrast (a hole, not a narrow corner) are counted.

References
----------
Bernsen, J. Dynamic thresholding of grey-level images. Proc. 8th Int. Conf. on Pattern
Recognition, Paris (1986) 1251-1255.
Otsu, N. A threshold selection method from gray-level histograms. IEEE Trans. Syst. Man Cybern.
9 (1979) 62-66.
Underwood, E.E. Quantitative Stereology. Addison-Wesley, Reading MA (1970).
Vincent, L., Soille, P. Watersheds in digital spaces: an efficient algorithm based on immersion
simulations. IEEE Trans. Pattern Anal. Mach. Intell. 13 (1991) 583-598.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage as ndi

from foamline.errors import ImageError

__all__ = ["SectionSegmentation", "find_membrane_region", "segment_section"]

SMOOTH_SIGMA_PX = 1.0
RIDGE_SIGMA_PX = 1.5
MERGE_WALL_FRACTION = 0.3
MERGE_NECK_FRACTION = 0.7
REJECT_CONTRAST_FRACTION = 0.4
REJECT_UNWALLED_FRACTION = 0.5
MIN_DIAMETER_FRACTION = 0.15
MIN_DIAMETER_PX = 3.0


@dataclass(frozen=True, eq=False)
class SectionSegmentation:
    """A segmented 2-D section. Label images share one numbering: cell k's basin and interior.

    Attributes
    ----------
    image : the analysed grey image, scaled to 0-1.
    region : the membrane (foamed film) region.
    basins : watershed basins, one per cell, walls split along their crests; 0 outside.
    cells : cell interiors (void), labelled like their basins; 0 = wall or outside.
    measured, cut, rejected : labels of the whole cells measured, of the cells cut by the
        image border or the region's edge, and of the profiles that are not cells.
    openings : label image of the wall openings counted.
    opening_cells : for each opening, the label of the cell it lies in.
    threshold : the global threshold, on the 0-1 scale of ``image``.
    threshold_method : 'otsu + per-cell half height' or 'user'.
    wall_contrast : typical (median) crest-minus-floor grey difference, 0-1 scale.
    """

    image: NDArray[np.float64]
    region: NDArray[np.bool_]
    basins: NDArray[np.int32]
    cells: NDArray[np.int32]
    measured: NDArray[np.int64]
    cut: NDArray[np.int64]
    rejected: NDArray[np.int64]
    openings: NDArray[np.int32]
    opening_cells: NDArray[np.int64]
    threshold: float
    threshold_method: str
    wall_contrast: float
    notes: list[str] = field(default_factory=list)

    @property
    def void(self) -> NDArray[np.bool_]:
        """The void phase: interiors of the measured and the cut cells."""
        keep = np.zeros(int(self.cells.max()) + 1, dtype=bool)
        keep[self.measured] = True
        keep[self.cut] = True
        return keep[self.cells]

    def diameters_px(self) -> NDArray[np.float64]:
        """Equivalent-circle diameters of the measured cells, pixels."""
        areas = np.bincount(self.cells.ravel(), minlength=int(self.cells.max()) + 1)
        return np.sqrt(4.0 * areas[self.measured] / math.pi)


def _otsu(values: NDArray) -> float:
    from skimage.filters import threshold_otsu

    return float(threshold_otsu(values))


def _noise_sigma(a: NDArray) -> float:
    """Noise standard deviation from the median absolute Laplacian (robust Immerkaer 1996)."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float64)
    response = ndi.convolve(a, kernel, mode="reflect")[1:-1, 1:-1]
    return float(1.4826 * np.median(np.abs(response)) / 6.0)


def _disk(radius: float) -> NDArray[np.bool_]:
    r = max(int(round(radius)), 1)
    y, x = np.ogrid[-r : r + 1, -r : r + 1]
    return x * x + y * y <= r * r


def _odd(x: float) -> int:
    n = max(int(round(x)), 3)
    return n if n % 2 else n + 1


def _padded(operation, mask: NDArray[np.bool_], radius: int) -> NDArray[np.bool_]:
    """A binary opening or closing with a disc, the image extended by edge replication, so that
    the image border neither erodes nor grows the mask."""
    padded = np.pad(mask, radius + 1, mode="edge")
    out = operation(padded, _disk(radius))
    return out[radius + 1 : -radius - 1, radius + 1 : -radius - 1]


def _largest(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    labels, n = ndi.label(mask)
    if n <= 1:
        return mask
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return labels == int(np.argmax(sizes))


def find_membrane_region(
    image: NDArray[np.float64], dark: NDArray[np.bool_], cell_scale_px: float
) -> NDArray[np.bool_]:
    """The membrane (foamed film) region of a section: step 4 of the module docstring.

    Parameters
    ----------
    image : grey image scaled to 0-1.
    dark : the thresholded dark phase (cell interiors).
    cell_scale_px : typical cell diameter, pixels.
    """
    ridge = ndi.gaussian_filter(image, RIDGE_SIGMA_PX)
    window = _odd(max(9.0, cell_scale_px))
    mean = ndi.uniform_filter(ridge, window)
    local_std = np.sqrt(np.maximum(ndi.uniform_filter(ridge * ridge, window) - mean * mean, 0))
    noise = _noise_sigma(image) / (2 * math.sqrt(math.pi) * RIDGE_SIGMA_PX)
    smooth = local_std <= max(6.0 * noise, 1e-3)
    smooth = _padded(ndi.binary_opening, smooth, window // 2)
    labels, n = ndi.label(smooth)
    region = np.ones_like(dark)
    if n:
        sizes = np.bincount(labels.ravel())
        big = np.flatnonzero(sizes >= (2 * window) ** 2)
        big = big[big > 0]
        region &= ~np.isin(labels, big)
    density = ndi.uniform_filter((dark & region).astype(np.float64), _odd(1.5 * window))
    if region.any():
        typical = float(np.median(density[region]))
        region &= density > 0.3 * typical
    region = _padded(ndi.binary_closing, region, window // 2)
    region = ndi.binary_fill_holes(region)
    region = _padded(ndi.binary_opening, region, max(window // 4, 1))
    return ndi.binary_fill_holes(_largest(region))


def _basin_floor_and_crest(
    g: NDArray, a: NDArray, basins: NDArray, dist: NDArray, dark: NDArray
) -> tuple[NDArray, NDArray]:
    """Median grey of each basin's core (floor, smoothed image ``g``) and of its border pixels
    (crest, unsmoothed image ``a``: smoothing would lower the crest of a thin wall); index =
    label."""
    n = int(basins.max())
    index = np.arange(1, n + 1)
    peak = np.zeros(n + 1)
    peak[1:] = ndi.maximum(dist, basins, index)
    core = dark & (basins > 0) & (dist >= 0.5 * peak[basins])
    floor = np.full(n + 1, np.nan)
    crest = np.full(n + 1, np.nan)
    floor[1:] = ndi.median(g, np.where(core, basins, 0), index)
    border = _inner_boundary(basins, frame=False) & (basins > 0)  # the image frame is no wall
    crest[1:] = ndi.median(a, np.where(border, basins, 0), index)
    return floor, crest


def _inner_boundary(labels: NDArray, frame: bool = True) -> NDArray[np.bool_]:
    """Pixels whose 4-neighbour has another label (or, with ``frame``, lies outside the image)."""
    if frame:
        padded = np.pad(labels, 1, mode="constant", constant_values=-1)
    else:
        padded = np.pad(labels, 1, mode="edge")
    centre = padded[1:-1, 1:-1]
    out = np.zeros(labels.shape, dtype=bool)
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        out |= (
            centre != padded[1 + dy : padded.shape[0] - 1 + dy, 1 + dx : padded.shape[1] - 1 + dx]
        )
    return out


def _merge_wall_less(
    g: NDArray, dist: NDArray, basins: NDArray, floor: NDArray, contrast: float
) -> NDArray[np.int64]:
    """Root label of every basin after merging over-split cells (step 5).

    Two neighbouring basins are one cell when their common border is neither a wall (its
    median grey is less than ``MERGE_WALL_FRACTION`` of the wall contrast above the brighter
    floor) nor a neck (the distance map along the border reaches ``MERGE_NECK_FRACTION`` of the
    smaller cell's dome height): two cells joined through a broken wall keep their neck.
    """
    n = int(basins.max())
    keys, values, depth = [], [], []
    for axis in (0, 1):
        cut_lo = [slice(None)] * 2
        cut_hi = [slice(None)] * 2
        cut_lo[axis] = slice(0, -1)
        cut_hi[axis] = slice(1, None)
        lo_, hi_ = tuple(cut_lo), tuple(cut_hi)
        a, b = basins[lo_], basins[hi_]
        pair = (a != b) & (a > 0) & (b > 0)
        lo = np.minimum(a[pair], b[pair]).astype(np.int64)
        hi = np.maximum(a[pair], b[pair]).astype(np.int64)
        keys.append(lo * (n + 1) + hi)
        values.append(0.5 * (g[lo_][pair] + g[hi_][pair]))
        depth.append(np.minimum(dist[lo_][pair], dist[hi_][pair]))
    root = np.arange(n + 1)
    key = np.concatenate(keys)
    if key.size == 0:
        return root
    value = np.concatenate(values)
    saddle_all = np.concatenate(depth)
    order = np.lexsort((value, key))
    key, value, saddle_all = key[order], value[order], saddle_all[order]
    unique, start, count = np.unique(key, return_index=True, return_counts=True)
    median = value[start + count // 2]
    saddle = np.maximum.reduceat(saddle_all, start)
    i, j = unique // (n + 1), unique % (n + 1)
    peak = np.zeros(n + 1)
    peak[1:] = ndi.maximum(dist, basins, np.arange(1, n + 1))
    no_wall = median - np.maximum(floor[i], floor[j]) < MERGE_WALL_FRACTION * contrast
    no_neck = saddle >= MERGE_NECK_FRACTION * np.minimum(peak[i], peak[j])
    merge = no_wall & no_neck & (count >= 3)

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for a_, b_ in zip(i[merge], j[merge], strict=True):
        ra, rb = find(int(a_)), find(int(b_))
        if ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    return np.array([find(x) for x in range(n + 1)])


def segment_section(image: NDArray, threshold: float | None = None) -> SectionSegmentation:
    """Segment a 2-D SEM section into membrane region, cells, void and wall openings.

    Parameters
    ----------
    image : 2-D grey image (any numeric type; cells darker than walls) or a boolean
        segmentation (True = void).
    threshold : global threshold on the 0-1 scale of the image's own grey range
        (0 = darkest pixel, 1 = brightest); None for the automatic method (steps 2 and 6).

    Raises
    ------
    ImageError
        when no cell can be found.
    """
    from skimage.measure import label as label_regions
    from skimage.measure import regionprops
    from skimage.morphology import black_tophat, h_maxima
    from skimage.segmentation import watershed

    im = np.asarray(image)
    if im.dtype == np.bool_:
        a = (~im).astype(np.float64)
    else:
        a = im.astype(np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo)
    notes: list[str] = []
    # a segmented (boolean) image is used as it is: smoothing would only round its corners
    g = a if im.dtype == np.bool_ else ndi.gaussian_filter(a, SMOOTH_SIGMA_PX)
    user = threshold is not None
    t0 = float(threshold) if user else _otsu(g)
    dark = g <= t0
    labels, n = ndi.label(dark)
    if n:
        small = np.bincount(labels.ravel()) <= 4
        small[0] = False
        dark &= ~small[labels]
    fraction = float(dark.mean())
    if not 0.001 < fraction < 0.999:
        phase = "dark (void)" if fraction <= 0.001 else "bright (wall)"
        hint = "give another --threshold" if user else "check that cells are darker than walls"
        raise ImageError(
            f"the threshold leaves almost no {phase} phase ({100 * fraction:.2f} % of the "
            f"pixels are void): there is no cell to find; {hint}"
        )
    dist = ndi.distance_transform_edt(dark)
    markers, peaks = _markers(dist, h_maxima)
    if peaks.size == 0:
        raise ImageError("no cell was found in the image: check the image or the --threshold")
    r_typ = float(np.median(peaks))
    cell_scale = 2.0 * r_typ
    region = find_membrane_region(a, dark, cell_scale)
    markers[~region] = 0
    if not markers.any():
        raise ImageError("no cell was found inside the membrane region of the image")
    _, markers = np.unique(markers, return_inverse=True)  # labels 1..n without gaps
    markers = markers.reshape(dist.shape).astype(np.int32)
    ridge = ndi.gaussian_filter(a, RIDGE_SIGMA_PX)
    spread = float(np.subtract(*np.percentile(g[region], [95, 5])))
    # clipped at the threshold: inside the dark phase only the (noise-free) distance map acts
    landscape = np.maximum(ridge, t0) - 0.15 * spread * dist / max(r_typ, 1.0)
    basins = watershed(landscape, markers, mask=region).astype(np.int32)

    floor, crest = _basin_floor_and_crest(g, a, basins, dist, dark)
    contrast = float(np.nanmedian(crest[1:] - floor[1:]))
    root = _merge_wall_less(g, dist, basins, floor, contrast)
    if np.any(root != np.arange(root.size)):
        _, root = np.unique(root, return_inverse=True)  # consecutive labels, 0 stays 0
        basins = root[basins].astype(np.int32)
        markers = np.where(markers > 0, basins, 0)
        floor, crest = _basin_floor_and_crest(g, a, basins, dist, dark)
        contrast = float(np.nanmedian(crest[1:] - floor[1:]))

    # step 6: each cell's interior, darker than its half height (or the user's threshold)
    level = np.where(np.isfinite(floor + crest), 0.5 * (floor + crest), t0) if not user else None
    cut_level = level[basins] if level is not None else np.full(g.shape, t0)
    below = (g < cut_level) & (basins > 0)
    parts = label_regions(np.where(below, basins, 0), background=0, connectivity=1)
    seeded = np.zeros(int(parts.max()) + 1, dtype=bool)
    seeded[np.unique(parts[(markers > 0) & (parts > 0)])] = True
    seeded[0] = False
    interior = seeded[parts]
    cells = np.zeros_like(basins)
    for prop in regionprops(np.where(interior, basins, 0)):
        sl = prop.slice
        filled = ndi.binary_fill_holes(prop.image) & (basins[sl] == prop.label)
        cells[sl][filled] = prop.label

    # step 7: which profiles are cells, and which are cut
    n_labels = int(basins.max()) + 1
    area = np.bincount(cells.ravel(), minlength=n_labels)
    present = np.flatnonzero(area[1:] > 0) + 1
    edge = ndi.binary_dilation(~region)  # pixels of the region next to its edge
    edge[[0, -1], :] = True
    edge[:, [0, -1]] = True
    touching = np.zeros(n_labels, dtype=bool)
    touching[np.unique(cells[edge & (cells > 0)])] = True
    outline = _inner_boundary(cells) & (cells > 0) & ~edge
    rim = (g >= cut_level) | ~region
    unwalled = outline & ~ndi.binary_dilation(rim, _disk(2))
    outline_n = np.bincount(cells[outline], minlength=n_labels)
    unwalled_n = np.bincount(cells[unwalled], minlength=n_labels)
    ecd = np.sqrt(4.0 * area / math.pi)
    min_ecd = max(MIN_DIAMETER_PX, MIN_DIAMETER_FRACTION * float(np.median(ecd[present])))
    wall = crest - floor
    bad = (
        ((ecd < min_ecd) & ~touching)  # a sliver cut by the border is small, not a speck
        | ~(wall >= REJECT_CONTRAST_FRACTION * contrast)
        | (unwalled_n > REJECT_UNWALLED_FRACTION * np.maximum(outline_n, 1))
    )
    rejected = present[bad[present]]
    accepted = present[~bad[present]]
    cut = accepted[touching[accepted]]
    measured = accepted[~touching[accepted]]
    if measured.size == 0:
        raise ImageError(
            "no whole cell was found: every cell found is cut by the image border or the edge of "
            "the membrane region; use a larger field of view or a lower magnification"
        )
    if measured.size < 30:
        notes.append(f"only {measured.size} whole cells measured: the statistics are uncertain")

    keep = np.zeros(n_labels, dtype=bool)
    keep[measured] = True
    keep[cut] = True
    void = keep[cells]
    diam_median = float(np.median(ecd[measured]))
    openings, opening_cells = _find_openings(
        g, cells, void, floor, diam_median, contrast, black_tophat
    )
    return SectionSegmentation(
        image=a,
        region=region,
        basins=basins,
        cells=cells,
        measured=measured.astype(np.int64),
        cut=cut.astype(np.int64),
        rejected=rejected.astype(np.int64),
        openings=openings,
        opening_cells=opening_cells,
        threshold=t0,
        threshold_method="user" if user else "otsu + per-cell half height",
        wall_contrast=contrast,
        notes=notes,
    )


def _markers(dist: NDArray, h_maxima) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """Cell markers from the h-maxima of the distance map (step 3) and their dome heights."""
    first = h_maxima(dist, 1.0)
    labels, n = ndi.label(first, structure=np.ones((3, 3)))
    if n == 0:
        return labels.astype(np.int32), np.zeros(0)
    peaks = np.asarray(ndi.maximum(dist, labels, np.arange(1, n + 1)))
    r_typ = float(np.median(peaks[peaks >= 1.5])) if np.any(peaks >= 1.5) else 1.5
    h = max(1.0, 0.2 * r_typ)
    if h > 1.0:
        labels, n = ndi.label(h_maxima(dist, h), structure=np.ones((3, 3)))
        peaks = np.asarray(ndi.maximum(dist, labels, np.arange(1, n + 1)))
    weak = np.flatnonzero(peaks < max(1.5, 0.25 * r_typ)) + 1
    # a sliver of a cell cut by the image border keeps its marker, lest it join a whole cell
    frame = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    weak = np.setdiff1d(weak, frame)
    if weak.size:
        labels[np.isin(labels, weak)] = 0
        peaks = np.delete(peaks, weak - 1)
    return labels.astype(np.int32), peaks


def _find_openings(
    g: NDArray,
    cells: NDArray,
    void: NDArray,
    floor: NDArray,
    cell_diameter_px: float,
    contrast: float,
    black_tophat,
) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """Wall openings: small, round, dark holes inside cell interiors (step 9)."""
    from skimage.filters import apply_hysteresis_threshold
    from skimage.measure import regionprops

    radius = max(2, int(round(0.15 * cell_diameter_px)))
    tophat = black_tophat(g, _disk(radius))
    spots = apply_hysteresis_threshold(tophat, 0.2 * contrast, 0.35 * contrast)
    labels, _ = ndi.label(spots)
    openings = np.zeros(g.shape, dtype=np.int32)
    owners: list[int] = []
    for prop in regionprops(labels):
        if prop.area < 4 or prop.equivalent_diameter_area > 2 * radius + 1:
            continue
        if prop.eccentricity > 0.9:
            continue
        rows, cols = prop.coords.T
        inside = void[rows, cols]
        if inside.mean() < 0.5:
            continue
        owner = np.bincount(cells[rows, cols][inside]).argmax()
        if not g[rows, cols].min() < floor[owner] - 0.25 * contrast:
            continue  # a narrow corner of the cell, not a hole darker than its floor
        owners.append(int(owner))
        openings[rows, cols] = len(owners)
    return openings, np.asarray(owners, dtype=np.int64)
