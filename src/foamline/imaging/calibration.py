"""The SEM info bar and scale bar: where to crop, and how long a pixel is.

Most SEMs write a data bar under the micrograph: a uniform black (or white) band holding text
(voltage, working distance, magnification) and a scale bar, either a solid line or a row of
evenly spaced ticks (Hitachi: 11 ticks spanning the labelled length). foamline finds the band,
crops it, and measures the bar in pixels. It cannot read the label (no OCR): the user gives the
bar's physical length (``--scale-bar 100um``), and the pixel size is that length divided by the
bar length in pixels.

Info bar (:func:`find_info_bar`): going up from the bottom row, rows belong to the bar while
at least 60 % of their pixels lie within 3 % of the full grey range of the bar's colour, and
that colour is near black or near white (within 12 % of the ends of the range). The band must
be at least 8 rows and 2 % of the image height; a noisy micrograph row never qualifies because
SEM noise spreads its grey levels far wider than 3 %.

Scale bar (:func:`find_scale_bar`): inside the band, marks are the connected pixels that
differ from the bar colour by more than half the range. Ticks are thin upright marks (height
at least twice the width) that share their top and bottom rows (within 1 px) and are evenly
spaced (spacing within 5 % of the median); at least three are needed, and the bar length is
the distance between the centres of the first and last tick. A solid bar is a mark at least
eight times as wide as it is tall and at least 3 % of the image width; its length is its
width. The longest candidate wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage as ndi

from foamline.errors import ImageError

__all__ = ["ScaleBar", "find_info_bar", "find_scale_bar"]

_UNIFORM_FRACTION = 0.6
_UNIFORM_TOLERANCE = 0.03
_EXTREME = 0.12


def _unit_range(image: NDArray) -> NDArray[np.float64]:
    """Image scaled to 0-1 over the sample type's range (8/16 bit) or its own min-max."""
    im = np.asarray(image)
    if im.dtype == np.bool_:
        return im.astype(np.float64)
    if np.issubdtype(im.dtype, np.integer) and im.dtype.itemsize <= 2:
        info = np.iinfo(im.dtype)
        return (im.astype(np.float64) - info.min) / (info.max - info.min)
    lo, hi = float(np.min(im)), float(np.max(im))
    return (im.astype(np.float64) - lo) / (hi - lo if hi > lo else 1.0)


def find_info_bar(image: NDArray) -> int | None:
    """First row of the instrument's info bar at the bottom of an SEM image, or None.

    Parameters
    ----------
    image : 2-D grey image (any numeric type).

    Returns
    -------
    The row index where the bar starts: analyse ``image[:row]``. None when there is no bar.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> im = rng.normal(128, 20, (100, 80)).clip(0, 255).astype(np.uint8)
    >>> im[90:] = 0; im[93:97, 10:30] = 255          # a black bar with a white mark
    >>> find_info_bar(im)
    90
    """
    a = _unit_range(image)
    rows, _ = a.shape
    levels = np.clip(np.round(a * 255), 0, 255).astype(np.int64)
    min_rows = max(8, int(np.ceil(0.02 * rows)))
    start = None
    bar_level = None
    tol = _UNIFORM_TOLERANCE * 255
    for r in range(rows - 1, max(-1, rows - 1 - int(0.35 * rows)), -1):
        counts = np.bincount(levels[r], minlength=256)
        mode = int(np.argmax(counts))
        if bar_level is None:
            bar_level = mode
        if abs(mode - bar_level) > tol:
            break
        lo, hi = int(max(0, bar_level - tol)), int(min(255, bar_level + tol))
        if counts[lo : hi + 1].sum() < _UNIFORM_FRACTION * a.shape[1]:
            break
        start = r
    if start is None or bar_level is None:
        return None
    extreme = bar_level <= _EXTREME * 255 or bar_level >= (1 - _EXTREME) * 255
    if rows - start < min_rows or not extreme or start < rows // 2:
        return None
    return start


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar measured in the info bar.

    Attributes
    ----------
    length_px : bar length, pixels (centre of the first tick to centre of the last, or the
        width of a solid bar).
    kind : 'ticks' or 'bar'.
    ticks : number of ticks (0 for a solid bar).
    row : image row of the bar's top.
    x_start, x_end : columns of the bar's ends (tick centres or bar edges).
    """

    length_px: float
    kind: str
    ticks: int
    row: int
    x_start: float
    x_end: float


def find_scale_bar(image: NDArray, bar_row: int) -> ScaleBar:
    """Measure the scale bar inside the info bar that starts at ``bar_row``.

    Raises
    ------
    ImageError
        when the info bar holds neither evenly spaced ticks nor a solid bar.
    """
    a = _unit_range(image)
    band = a[bar_row:]
    background = float(np.median(band))
    marks = np.abs(band - background) > 0.5
    labels, n = ndi.label(marks, structure=np.ones((3, 3)))
    candidates: list[ScaleBar] = []
    boxes = ndi.find_objects(labels)
    ticks = []
    width_px = image.shape[1]
    for sl in boxes:
        if sl is None:
            continue
        h = sl[0].stop - sl[0].start
        w = sl[1].stop - sl[1].start
        if h >= 3 and h >= 2 * w:
            ticks.append((sl[0].start, sl[0].stop, 0.5 * (sl[1].start + sl[1].stop - 1)))
        if w >= 8 * h and w >= 0.03 * width_px:
            candidates.append(
                ScaleBar(float(w), "bar", 0, bar_row + sl[0].start, sl[1].start, sl[1].stop - 1)
            )
    # group upright marks that share their top and bottom rows (within 1 px)
    ticks.sort()
    used = [False] * len(ticks)
    for i, (top, bottom, _) in enumerate(ticks):
        if used[i]:
            continue
        group = [
            j
            for j, (t, b, _) in enumerate(ticks)
            if not used[j] and abs(t - top) <= 1 and abs(b - bottom) <= 1
        ]
        for j in group:
            used[j] = True
        xs = np.sort([ticks[j][2] for j in group])
        if xs.size < 3:
            continue
        spacing = np.diff(xs)
        if np.max(np.abs(spacing - np.median(spacing))) > 0.05 * np.median(spacing):
            continue
        candidates.append(
            ScaleBar(
                float(xs[-1] - xs[0]),
                "ticks",
                int(xs.size),
                bar_row + top,
                float(xs[0]),
                float(xs[-1]),
            )
        )
    if not candidates:
        raise ImageError(
            f"no scale bar found in the info bar below row {bar_row} (neither evenly spaced "
            "ticks nor a solid bar): give the pixel size with --pixel-size, e.g. '0.25 um'"
        )
    return max(candidates, key=lambda c: c.length_px)
