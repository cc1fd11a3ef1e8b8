"""Tomography volumes: segmentation and porosity now, the cell metrics through an extension point.

What is done: the volume is thresholded (Otsu 1979 over the grey values; the darker phase is
void, as in X-ray CT of polymer foams where air absorbs least; a boolean volume is taken as
already segmented, True = void) and its porosity is the void voxel fraction,

    porosity = N_void / N_total                                                          (1)

The cell metrics (:func:`volume_cell_metrics`): cells by an h-maxima watershed of the
distance transform (:func:`segment_cells`), then the metrics of :mod:`foamline.structure`:
open-cell content (surface-connected void with the ASTM D6226 cut-cell correction), closed
cells, cell and window size distributions. Permeance and bubble point of volumes are not
connected yet (:mod:`foamline.membrane.extract` builds the network from an image).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from skimage.morphology import h_maxima
from skimage.segmentation import watershed

from foamline.errors import ImageError
from foamline.membrane.extract import network_from_image
from foamline.membrane.performance import performance
from foamline.structure import cell_size_distribution, open_cell_fraction, window_size_distribution

__all__ = ["VolumeAnalysis", "analyze_volume", "segment_cells", "volume_cell_metrics"]

#: Largest number of voxels used to compute the Otsu threshold (an even subsample above it).
OTSU_SAMPLE = 4_000_000


@dataclass(frozen=True, eq=False)
class VolumeAnalysis:
    """A segmented volume and its figures.

    Attributes
    ----------
    void : boolean void image (True = void).
    threshold : grey threshold in the volume's own units (None for a boolean volume).
    threshold_method : 'otsu', 'user' or 'pre-segmented'.
    porosity : void voxel fraction, eq. (1).
    cell_metrics : the 3-D cell, window and open-cell metrics (None until
        :func:`volume_cell_metrics` is connected to :mod:`foamline.structure`).
    """

    void: NDArray[np.bool_]
    threshold: float | None
    threshold_method: str
    porosity: float
    cell_metrics: dict | None = None


def segment_cells(void: NDArray[np.bool_], h: float = 0.5, sigma: float = 0.5) -> NDArray[np.int32]:
    """Cells of a 3-D foam: watershed of the smoothed distance transform from its h-maxima.

    Markers are the regional maxima of the distance transform (Gaussian-smoothed by ``sigma``
    voxels) that stand at least ``h`` voxels above their surroundings (Soille, *Morphological
    Image Analysis*, 2003, h-maxima transform), so that a cell, not every bump of its wall,
    seeds one region; open windows between cells are necks of the distance map, where the
    watershed puts the boundary (Vincent & Soille 1991). The defaults (h = sigma = 0.5 voxel)
    were chosen on generator volumes (docs/imaging.md): h = sigma = 1 merged the smallest cells
    of a broad distribution (CV 0.2: mean +5.7 %, CV -0.05); 0.5 keeps them (mean within 2.2 %,
    CV within 0.016) and changes nothing at CV 0.1.
    """
    dt = ndimage.distance_transform_edt(void)
    smooth = ndimage.gaussian_filter(dt, sigma) if sigma > 0 else dt
    markers, _ = ndimage.label(h_maxima(smooth, h))
    return watershed(-smooth, markers, mask=void).astype(np.int32)


def volume_cell_metrics(void: NDArray[np.bool_], voxel_size_m: float | None) -> dict | None:
    """The 3-D metrics of issue 7 on a segmented volume (flow along the last axis).

    ``open_cell_fraction``: void connected to the faces, cut-cell corrected (ASTM D6226 meaning,
    :func:`foamline.structure.open_cell_fraction`); ``closed_cells``: its complement;
    ``mean_cell_diameter_m``, ``cell_diameter_std_m``, ``cell_diameter_cv``: number-weighted
    equivalent-sphere diameters of the cells not cut by the border
    (:func:`foamline.structure.cell_size_distribution`) of :func:`segment_cells`; window sizes
    from the labelled openings. With a voxel size, the cells and their openings also make a
    pore network (:func:`foamline.membrane.network_from_image` with the cells as pores) whose
    water permeance, permeability and water bubble point are reported, flow along the last
    axis; a volume with no open path gives zero flow and no bubble point (None).
    """
    if void.ndim != 3 or not void.any():
        return None
    size = voxel_size_m or 1.0
    labels = segment_cells(void)
    cells = cell_size_distribution(labels, size)
    if cells.n == 0:
        return None
    open_cells = open_cell_fraction(void, labels, axis=2)
    windows = window_size_distribution(void, labels, size)
    return {
        "open_cell_fraction": open_cells.corrected,
        "closed_cells": open_cells.closed,
        "cells": cells.n,
        "mean_cell_diameter_m": cells.mean_m,
        "cell_diameter_std_m": cells.std_m,
        "cell_diameter_cv": cells.cv,
        "mean_window_diameter_m": windows.mean_m if windows.n else 0.0,
        "windows": windows.n,
    } | _flow(void, labels, voxel_size_m)


def _flow(void: NDArray[np.bool_], labels: NDArray[np.int32], voxel_size_m: float | None) -> dict:
    """Permeance, permeability and bubble point of the cell network (needs a voxel size)."""
    if voxel_size_m is None:
        return {}
    network = network_from_image(void, voxel_size_m, axis=2, labels=labels)
    perf = performance(network, float(np.count_nonzero(void) / void.size))
    crosses = math.isfinite(perf.bubble_point_bar) and perf.permeance_lmh_bar > 0.0
    return {
        "water_permeance_lmh_bar": perf.permeance_lmh_bar,
        "permeability_m2": perf.permeability_m2,
        "bubble_point_bar": perf.bubble_point_bar if crosses else None,
        "bubble_point_diameter_m": perf.bubble_point_diameter_um * 1e-6 if crosses else None,
        "flow_equivalent_diameter_m": perf.flow_equivalent_diameter_um * 1e-6,
    }


def analyze_volume(
    volume: NDArray, voxel_size_m: float | None = None, threshold: float | None = None
) -> VolumeAnalysis:
    """Segment a tomography volume and measure its porosity, eq. (1).

    Parameters
    ----------
    volume : 3-D grey volume (void darker than solid) or boolean (True = void).
    voxel_size_m : voxel edge length, m (passed on to the cell metrics).
    threshold : grey threshold in the volume's own units; None for Otsu's.

    Examples
    --------
    >>> v = np.full((8, 8, 8), 200, np.uint8); v[:, :, :2] = 20
    >>> round(analyze_volume(v).porosity, 3)
    0.25
    """
    from skimage.filters import threshold_otsu

    vol = np.asarray(volume)
    if vol.dtype == np.bool_:
        void = vol
        t, method = None, "pre-segmented"
    else:
        if threshold is None:
            step = max(1, int(np.ceil((vol.size / OTSU_SAMPLE) ** (1 / 3))))
            t = float(threshold_otsu(vol[::step, ::step, ::step]))
            method = "otsu"
        else:
            t, method = float(threshold), "user"
        void = vol <= t
    porosity = float(np.count_nonzero(void) / void.size)
    if porosity in (0.0, 1.0):
        phase = "solid" if porosity == 0.0 else "void"
        raise ImageError(
            f"the threshold {t:g} makes the whole volume {phase}: give a --threshold between the "
            "grey levels of the void and of the solid"
            if t is not None
            else f"the boolean volume is all {phase}: there is no structure to analyse"
        )
    return VolumeAnalysis(void, t, method, porosity, volume_cell_metrics(void, voxel_size_m))
