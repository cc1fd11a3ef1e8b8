"""Reading SEM images and tomography volumes, within a memory budget.

2-D: PNG, BMP, JPEG and single-page TIFF, 8 or 16 bit, grey or colour (colour is converted to
grey with the ITU-R BT.601 luma weights 0.299 R + 0.587 G + 0.114 B, as Pillow and ImageJ do).
3-D: multi-page TIFF, ``.npy``, ``.npz`` and raw binary files given a shape and a dtype.
A 2-D ``.npy`` / ``.npz`` array is an image. Boolean arrays are taken as already segmented,
True = void (PoreSpy's convention, as in :mod:`foamline.structure`).

The size of every input is read from its header first and compared with the memory budget
(:func:`memory_budget_bytes`) before any pixel is read, so that a 50 GB volume fails in one
sentence instead of swapping the machine to a halt.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from foamline.errors import ImageError

__all__ = [
    "BYTES_PER_PIXEL_2D",
    "BYTES_PER_VOXEL_3D",
    "LoadedImage",
    "check_memory",
    "load_image",
    "memory_budget_bytes",
    "parse_shape",
]

#: Fraction of the physical memory one analysis may use.
MEMORY_FRACTION = 0.25
#: Working memory of the 2-D analysis per pixel: about a dozen float64 and int64 work arrays
#: (smoothed images, distance map, basins, labels, top-hat): the peak measured with tracemalloc
#: on the bundled 1280 x 896 SEM image is 136 B per pixel, rounded up.
BYTES_PER_PIXEL_2D = 160
#: Working memory of the 3-D analysis per voxel, estimated: a float32 copy, the boolean void
#: image and, for the cell metrics of :mod:`foamline.structure`, a float64 distance map and
#: int32 labels (revisit when those metrics are connected).
BYTES_PER_VOXEL_3D = 48
#: Smallest side, in pixels, of an image that can hold a cell with its walls.
MIN_SIDE_2D = 16
MIN_SIDE_3D = 8

FORMATS = "PNG, TIFF, BMP or JPEG images, multi-page TIFF, .npy or .npz volumes, or raw data"
_LUMA = np.array([0.299, 0.587, 0.114])
_TIFF_SUFFIXES = {".tif", ".tiff"}
_RAW_SUFFIXES = {".raw", ".bin", ".vol", ".dat"}


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """An image or volume as read from disk.

    Attributes
    ----------
    path : the file.
    data : the grey values, 2-D (rows, columns) or 3-D, in the file's own grey levels
        (e.g. 0-255 or 0-65535); boolean when the file holds a segmented image (True = void).
    file_format : 'PNG', 'TIFF', 'npy', 'raw', ...
    dtype : the stored sample type, e.g. 'uint8', 'uint16', 'float32'.
    colour : the colour mode converted to grey ('RGB', 'RGBA', ...), or None if grey.
    pixel_size_m : pixel (voxel) edge length found in the file's metadata, m, or None.
    pixel_size_note : where that size came from, or why a size found in the file was not used.
    """

    path: Path
    data: NDArray
    file_format: str
    dtype: str
    colour: str | None = None
    pixel_size_m: float | None = None
    pixel_size_note: str | None = None

    @property
    def ndim(self) -> int:
        """2 for an image, 3 for a volume."""
        return self.data.ndim

    @property
    def is_binary(self) -> bool:
        """True when the file holds a segmented image (booleans, True = void)."""
        return self.data.dtype == np.bool_


def memory_budget_bytes() -> int:
    """Memory one analysis may use: 25 % of the physical memory (``os.sysconf``), bytes.

    Falls back to 4 GiB where the page size or page count cannot be read.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        total = 16 * 2**30
    if total <= 0:
        total = 16 * 2**30
    return int(MEMORY_FRACTION * total)


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.2g} GB" if n_bytes < 1e11 else f"{n_bytes / 1e9:.0f} GB"


def check_memory(shape: tuple[int, ...], name: str) -> None:
    """Refuse an image or volume whose analysis would not fit in :func:`memory_budget_bytes`.

    The message says how much is needed and by how much to crop or downsample.
    """
    n = math.prod(shape)
    per = BYTES_PER_PIXEL_2D if len(shape) <= 2 else BYTES_PER_VOXEL_3D
    need = n * per
    budget = memory_budget_bytes()
    if need <= budget:
        return
    dims = " x ".join(str(s) for s in shape)
    what = "image" if len(shape) <= 2 else "volume"
    unit = "pixels" if len(shape) <= 2 else "voxels"
    factor = 2
    while need / factor ** len(shape) > budget:
        factor += 1
    raise ImageError(
        f"the {what} {name} of {dims} {unit} needs about {_gb(need)} to analyse, more than the "
        f"memory budget of {_gb(budget)} ({MEMORY_FRACTION:.0%} of physical memory): crop it to "
        f"a region of interest or downsample it by {factor} along each axis "
        f"(which divides the need by {factor ** len(shape)})"
    )


def parse_shape(text: str) -> tuple[int, ...]:
    """Shape of a raw volume from text such as ``'128x128x64'`` or ``'128,128,64'``.

    >>> parse_shape("64x32x16")
    (64, 32, 16)
    """
    parts = [p for p in re.split(r"[x,\s]+", text.strip().lower()) if p]
    if len(parts) not in (2, 3) or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ImageError(
            f"--shape '{text}' is not a shape: give 2 or 3 positive whole numbers such as "
            "'256x256x128' (slowest axis first, as numpy stores it)"
        )
    return tuple(int(p) for p in parts)


def _parse_dtype(text: str) -> np.dtype:
    try:
        dtype = np.dtype(text)
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind not in "biuf":
        raise ImageError(
            f"--dtype '{text}' is not a numeric sample type: give one such as uint8, uint16, "
            "int16, float32 or '>u2' (big-endian 16 bit)"
        )
    return dtype


def _not_an_image(path: Path, detail: str = "") -> ImageError:
    extra = f" ({detail})" if detail else ""
    return ImageError(f"{path} is not an image foamline can read{extra}: give {FORMATS}")


def _as_grey(data: NDArray, colour_axis: bool) -> tuple[NDArray, str | None]:
    """Grey values from an array whose last axis holds colour samples when ``colour_axis``."""
    if not colour_axis:
        return data, None
    samples = data.shape[-1]
    if samples in (1, 2):  # grey, or grey + alpha
        return data[..., 0], None if samples == 1 else "grey + alpha"
    rgb = data[..., :3].astype(np.float64)
    grey = rgb @ _LUMA
    if np.issubdtype(data.dtype, np.integer):
        grey = np.round(grey).astype(data.dtype)
    return grey, "RGB" if samples == 3 else "RGBA"


def load_image(
    path: str | Path,
    shape: tuple[int, ...] | str | None = None,
    dtype: str | None = None,
) -> LoadedImage:
    """Read an SEM image or a tomography volume (see the module docstring for the formats).

    Parameters
    ----------
    path : the file.
    shape, dtype : for raw binary files only: the array shape (slowest axis first) and the
        sample type (numpy notation, e.g. ``'uint16'`` or ``'>u2'``).

    Raises
    ------
    ImageError
        a missing file, a file that is not an image, or one too large for the memory budget.
    """
    path = Path(path)
    if not path.exists():
        raise ImageError(f"{path} does not exist: give the path of an image or volume file")
    if path.is_dir():
        raise ImageError(f"{path} is a folder, not an image file")
    if path.stat().st_size == 0:
        raise ImageError(f"{path} is empty (0 bytes): it holds no image")
    if shape is not None or dtype is not None:
        if shape is None or dtype is None:
            raise ImageError(
                "a raw volume needs both --shape (e.g. 256x256x128) and --dtype (e.g. uint8)"
            )
        return _load_raw(path, parse_shape(shape) if isinstance(shape, str) else shape, dtype)
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return _load_npy(path)
    if suffix == ".npz":
        return _load_npz(path)
    if suffix in _RAW_SUFFIXES:
        raise ImageError(
            f"{path} looks like raw data: give its --shape (e.g. 256x256x128) and --dtype "
            "(e.g. uint8)"
        )
    if suffix in _TIFF_SUFFIXES or _is_tiff(path):
        return _load_tiff(path)
    return _load_pillow(path)


def _is_tiff(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4)
    return head in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def _load_raw(path: Path, shape: tuple[int, ...], dtype_text: str) -> LoadedImage:
    dtype = _parse_dtype(dtype_text)
    need = math.prod(shape) * dtype.itemsize
    size = path.stat().st_size
    if size != need:
        dims = "x".join(str(s) for s in shape)
        raise ImageError(
            f"{path} holds {size} bytes but a {dims} volume of {dtype.name} needs {need} bytes: "
            "check --shape and --dtype"
        )
    check_memory(shape, path.name)
    data = np.fromfile(path, dtype=dtype).reshape(shape)
    return LoadedImage(path, data.astype(dtype.newbyteorder("=")), "raw", dtype.name)


def _npy_header(fh) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    else:
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    return tuple(shape), dtype


def _checked_array(path: Path, shape: tuple[int, ...], dtype: np.dtype) -> None:
    if dtype.kind not in "biuf":
        raise ImageError(
            f"{path} holds an array of {dtype} values, not grey levels: give a numeric or "
            "boolean array"
        )
    if len(shape) not in (2, 3):
        raise ImageError(
            f"{path} holds an array of shape {shape}: give a 2-D image or a 3-D volume"
        )
    if math.prod(shape) > 0:
        check_memory(shape, path.name)


def _load_npy(path: Path) -> LoadedImage:
    try:
        with path.open("rb") as fh:
            shape, dtype = _npy_header(fh)
    except (ValueError, OSError) as exc:
        raise _not_an_image(path, "not a valid .npy file") from exc
    _checked_array(path, shape, dtype)
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise _not_an_image(path, "the .npy file is truncated or damaged") from exc
    return LoadedImage(path, data, "npy", dtype.name)


def _load_npz(path: Path) -> LoadedImage:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n[:-4] for n in zf.namelist() if n.endswith(".npy")]
            key = next((k for k in ("im", "image", "volume", "arr_0") if k in names), None)
            if key is None and len(names) == 1:
                key = names[0]
            if key is None:
                listed = ", ".join(names) or "none"
                raise ImageError(
                    f"{path} holds several arrays ({listed}) and none is named im, image, "
                    "volume or arr_0: save the one to analyse alone"
                )
            with zf.open(key + ".npy") as fh:
                shape, dtype = _npy_header(fh)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError) as exc:
        raise _not_an_image(path, "not a valid .npz file") from exc
    _checked_array(path, shape, dtype)
    with np.load(path, allow_pickle=False) as archive:
        data = archive[key]
    return LoadedImage(path, data, "npz", dtype.name)


def _tiff_pixel_size(tif) -> tuple[float | None, str | None]:
    """Pixel size in metres from SEM (FEI, Zeiss), ImageJ or standard resolution tags."""
    import tifffile

    fei = getattr(tif, "fei_metadata", None)
    if fei:
        try:
            value = float(fei["Scan"]["PixelWidth"])
            return value, "TIFF metadata (FEI Scan/PixelWidth)"
        except (KeyError, TypeError, ValueError):
            pass
    zeiss = getattr(tif, "sem_metadata", None)
    if zeiss:
        for key in ("ap_image_pixel_size", "ap_pixel_size"):
            entry = zeiss.get(key)
            if entry and len(entry) >= 3:
                value = _length_in_m(entry[1], str(entry[2]))
                if value:
                    return value, f"TIFF metadata (Zeiss {key})"
    page = tif.pages.first
    try:
        x_res, _ = page.resolution
        unit = page.resolutionunit
    except (AttributeError, ValueError, TypeError, ZeroDivisionError):
        return None, None
    if not x_res or not math.isfinite(x_res) or x_res <= 0:
        return None, None
    imagej = getattr(tif, "imagej_metadata", None) or {}
    if unit == tifffile.RESUNIT.NONE and imagej.get("unit"):
        value = _length_in_m(1.0 / x_res, str(imagej["unit"]))
        if value:
            return value, f"TIFF metadata (ImageJ resolution, unit {imagej['unit']})"
        return None, None
    per_unit = {
        tifffile.RESUNIT.INCH: 0.0254,
        tifffile.RESUNIT.CENTIMETER: 0.01,
        tifffile.RESUNIT.MILLIMETER: 1e-3,
        tifffile.RESUNIT.MICROMETER: 1e-6,
    }.get(unit)
    if per_unit is None:
        return None, None
    if unit == tifffile.RESUNIT.INCH and round(x_res) in (72, 96, 150, 200, 300, 600, 1200):
        return None, f"TIFF resolution {x_res:g} dpi ignored: a print or screen default"
    return per_unit / x_res, "TIFF metadata (XResolution)"


def _length_in_m(value: float, unit: str) -> float | None:
    factors = {"m": 1.0, "mm": 1e-3, "um": 1e-6, "µm": 1e-6, "μm": 1e-6, "micron": 1e-6}
    factors |= {"microns": 1e-6, "\\u00b5m": 1e-6, "nm": 1e-9, "pm": 1e-12, "cm": 1e-2}
    factor = factors.get(unit.strip().lower())
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    if factor is None or not math.isfinite(value) or value <= 0:
        return None
    return value * factor


def _load_tiff(path: Path) -> LoadedImage:
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            series = tif.series[0]
            axes, shape = series.axes, tuple(series.shape)
            colour_axis = axes.endswith("S")
            spatial = tuple(s for a, s in zip(axes, shape, strict=True) if a != "S")
            spatial = tuple(s for s in spatial if s != 1) or spatial[-2:]
            if len(spatial) not in (2, 3):
                raise ImageError(
                    f"{path} is a TIFF of shape {shape} (axes {axes}): give a single image or "
                    "one stack of slices"
                )
            check_memory(spatial, path.name)
            data = series.asarray()
            pixel_size, note = _tiff_pixel_size(tif)
    except ImageError:
        raise
    except (tifffile.TiffFileError, ValueError, OSError, IndexError, KeyError) as exc:
        raise _not_an_image(path, "a damaged or unsupported TIFF") from exc
    grey, colour = _as_grey(data, colour_axis)
    grey = grey.reshape(spatial)
    return LoadedImage(path, grey, "TIFF", str(data.dtype), colour, pixel_size, note)


def _load_pillow(path: Path) -> LoadedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            width, height = im.size
            check_memory((height, width), path.name)
            mode = im.mode
            im.load()
            if mode == "1":  # bilevel: an image with two grey levels, dark = void as usual
                data = np.asarray(im.convert("L"))
                dtype, colour = "1 bit", None
            elif mode in ("L", "I", "F") or mode.startswith("I;16"):
                data = np.asarray(im)
                dtype, colour = str(data.dtype), None
            elif mode == "LA":
                data = np.asarray(im.getchannel("L"))
                dtype, colour = "uint8", "grey + alpha"
            else:
                rgba = im.convert("RGBA") if "A" in mode or mode == "P" else im.convert("RGB")
                data, colour = _as_grey(np.asarray(rgba), colour_axis=True)
                dtype = "uint8"
                colour = mode if mode not in ("RGB", "RGBA") else colour
            file_format = im.format or path.suffix.lstrip(".").upper()
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(
            f"{path} has more pixels than foamline will decode safely: crop it or downsample it"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _not_an_image(path) from exc
    return LoadedImage(path, np.ascontiguousarray(data), file_format, dtype, colour)
