"""Porosity of a boolean image (True = void).

    porosity = V_void / V_total = (number of void voxels) / (number of voxels)      (1)

taken over the whole image or over a mask (e.g. the foam core between the skins).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from foamline.errors import ImageError
from foamline.structure._common import as_void

__all__ = ["porosity"]


def porosity(void: ArrayLike, mask: ArrayLike | None = None) -> float:
    """Void volume fraction of a 2-D or 3-D boolean image (eq. 1), 0-1.

    Parameters
    ----------
    void : bool array, True = void.
    mask : optional bool array of the same shape; only True voxels are counted.

    Examples
    --------
    >>> import numpy as np
    >>> im = np.zeros((10, 10, 10), bool); im[:, :, :3] = True
    >>> porosity(im)
    0.3
    """
    im = as_void(void, ndim=(1, 2, 3))
    if mask is None:
        return float(np.count_nonzero(im) / im.size)
    sel = np.asarray(mask, dtype=bool)
    if sel.shape != im.shape:
        raise ImageError(f"mask shape {sel.shape} differs from image shape {im.shape}")
    total = np.count_nonzero(sel)
    if total == 0:
        raise ImageError("the mask selects no voxel")
    return float(np.count_nonzero(im & sel) / total)
