"""Tomography volumes: segmentation and porosity now, the cell metrics through an extension point.

What is done: the volume is thresholded (Otsu 1979 over the grey values; the darker phase is
void, as in X-ray CT of polymer foams where air absorbs least; a boolean volume is taken as
already segmented, True = void) and its porosity is the void voxel fraction,

    porosity = N_void / N_total                                                          (1)

What is not done yet, and where it plugs in: the open-cell content (surface-connected void with
the ASTM D6226 cut-cell correction), closed cells, cell and window size distributions,
permeance and bubble point are the metrics of :mod:`foamline.structure` and the membrane layer,
still being built. :func:`volume_cell_metrics` is the one place to call them from; it returns
None today, and :func:`analyze_volume`, the JSON and the report already carry the fields it will
fill (``cells``, ``open_cell_fraction``), so that plugging them in changes no interface.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from foamline.errors import ImageError

__all__ = ["VolumeAnalysis", "analyze_volume", "volume_cell_metrics"]

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


def volume_cell_metrics(void: NDArray[np.bool_], voxel_size_m: float | None) -> dict | None:
    """Extension point: the 3-D metrics of issue 7 on a segmented volume.

    To be connected when :mod:`foamline.structure` is complete. It should return a dict with
    ``open_cell_fraction`` (ASTM D6226 meaning, cut-cell corrected:
    ``foamline.structure.open_cell_fraction``), ``closed_cells``, ``cell_diameters_m`` with
    mean, std and CV (``cell_size_distribution`` of a watershed labelling), and the window
    sizes (``window_size_distribution``); permeance and bubble point come from the membrane
    layer. :mod:`foamline.imaging.analysis` then reports them and evaluates claims 1-3 on them
    (the keys ``open_cell_fraction``, ``mean_cell_diameter_m`` and ``cell_diameter_cv``).

    Returns None today: the volume report then states that these metrics are not yet measured.
    """
    return None


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
