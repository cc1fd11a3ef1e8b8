"""Shared helpers of the structure package: error and warning types, input checks."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from foamline.errors import FoamlineError, ImageError

__all__ = ["StructureError", "StructureWarning", "as_void", "check_voxel_size"]


class StructureError(FoamlineError, ValueError):
    """A foam-structure request that cannot be met (bad size, fraction or resolution)."""


class StructureWarning(UserWarning):
    """A result that is computed but may mislead (e.g. walls thinner than one voxel)."""


def as_void(void: ArrayLike, *, ndim: tuple[int, ...] = (2, 3)) -> NDArray[np.bool_]:
    """Return ``void`` as a boolean array (True = void), refusing what cannot be one."""
    arr = np.asarray(void)
    if arr.ndim not in ndim:
        allowed = " or ".join(f"{n}-D" for n in ndim)
        raise ImageError(f"expected a {allowed} image, got an array of shape {arr.shape}")
    if arr.dtype != np.bool_:
        if not np.isin(np.unique(arr), (0, 1)).all():
            raise ImageError(
                "expected a boolean image (True = void); got values other than 0 and 1: "
                "threshold the image first"
            )
        arr = arr.astype(bool)
    if arr.size == 0:
        raise ImageError("the image is empty")
    return arr


def check_voxel_size(voxel_size: float) -> float:
    """Voxel edge length in metres, which must be a positive finite number."""
    value = float(voxel_size)
    if not np.isfinite(value) or value <= 0:
        raise ImageError(f"voxel size must be a positive length in metres, got {voxel_size!r}")
    return value
