"""Reading files, finding the SEM info bar and scale bar, and the pixel size from metadata."""

from __future__ import annotations

import numpy as np
import pytest
import tifffile
from PIL import Image

from foamline.errors import ImageError
from foamline.imaging import find_info_bar, find_scale_bar, load_image
from foamline.imaging import load as load_module
from tests.imaging.synthetic import voronoi_foam


def sem_like(bar: str = "ticks", rows: int = 300, cols: int = 400) -> np.ndarray:
    """A noisy micrograph over a black info bar of 30 rows holding a scale bar."""
    rng = np.random.default_rng(0)
    im = rng.normal(130, 25, (rows, cols)).clip(0, 255).astype(np.uint8)
    im[rows - 30 :] = 0
    for k in range(8):  # a word of 8 characters, 5 x 8 px each
        im[rows - 12 : rows - 4, 20 + 7 * k : 25 + 7 * k] = 255
    if bar == "ticks":  # 6 ticks, 3 px wide, 40 px apart: 200 px from first to last centre
        for k in range(6):
            im[rows - 28 : rows - 18, 151 + 40 * k : 154 + 40 * k] = 255
    elif bar == "solid":
        im[rows - 24 : rows - 20, 150:330] = 255  # 180 px x 4 px
    return im


def test_info_bar_found_where_the_black_band_starts() -> None:
    assert find_info_bar(sem_like()) == 270


def test_no_info_bar_in_a_micrograph_without_one() -> None:
    rng = np.random.default_rng(1)
    assert find_info_bar(rng.normal(130, 25, (200, 200)).clip(0, 255).astype(np.uint8)) is None
    image, _ = voronoi_foam(shape=(200, 200), seed=0)
    assert find_info_bar(image) is None


def test_scale_bar_of_ticks_measured_centre_to_centre() -> None:
    bar = find_scale_bar(sem_like("ticks"), 270)
    assert bar.kind == "ticks" and bar.ticks == 6
    assert bar.length_px == pytest.approx(200.0)


def test_solid_scale_bar_measured_end_to_end() -> None:
    bar = find_scale_bar(sem_like("solid"), 270)
    assert bar.kind == "bar" and bar.length_px == pytest.approx(180.0)


def test_info_bar_without_a_scale_bar_is_an_error() -> None:
    with pytest.raises(ImageError, match="no scale bar found"):
        find_scale_bar(sem_like("none"), 270)


def test_sixteen_bit_png_and_rgb_png_are_read_as_grey(tmp_path) -> None:
    grey16 = (np.arange(64 * 48, dtype=np.uint16).reshape(48, 64) * 20).astype(np.uint16)
    Image.fromarray(grey16).save(tmp_path / "g16.png")
    loaded = load_image(tmp_path / "g16.png")
    assert loaded.data.dtype == np.uint16 and np.array_equal(loaded.data, grey16)
    rgb = np.zeros((40, 50, 3), np.uint8)
    rgb[..., 0] = 200  # pure red -> luma 0.299 * 200 = 59.8
    Image.fromarray(rgb).save(tmp_path / "red.png")
    loaded = load_image(tmp_path / "red.png")
    assert loaded.colour == "RGB" and loaded.data.shape == (40, 50)
    assert np.all(loaded.data == 60)


def test_tiff_pixel_size_from_resolution_tags_but_not_from_a_print_default(tmp_path) -> None:
    im = np.zeros((32, 32), np.uint8)
    # 40000 pixels per cm = 0.25 um per pixel
    tifffile.imwrite(
        tmp_path / "cal.tif", im, resolution=(40000, 40000), resolutionunit="CENTIMETER"
    )
    loaded = load_image(tmp_path / "cal.tif")
    assert loaded.pixel_size_m == pytest.approx(0.25e-6)
    assert "XResolution" in loaded.pixel_size_note
    tifffile.imwrite(tmp_path / "dpi.tif", im, resolution=(72, 72), resolutionunit="INCH")
    loaded = load_image(tmp_path / "dpi.tif")
    assert loaded.pixel_size_m is None and "72 dpi ignored" in loaded.pixel_size_note


def test_volumes_from_multipage_tiff_npy_npz_and_raw(tmp_path) -> None:
    vol = np.random.default_rng(0).integers(0, 255, (10, 20, 30), dtype=np.uint8)
    tifffile.imwrite(tmp_path / "v.tif", vol)
    np.save(tmp_path / "v.npy", vol)
    np.savez(tmp_path / "v.npz", im=vol)
    vol.astype(">u2").tofile(tmp_path / "v.raw")
    for name in ("v.tif", "v.npy", "v.npz"):
        loaded = load_image(tmp_path / name)
        assert loaded.ndim == 3 and np.array_equal(loaded.data, vol), name
    raw = load_image(tmp_path / "v.raw", shape="10x20x30", dtype=">u2")
    assert raw.data.dtype == np.uint16 and np.array_equal(raw.data, vol)
    with pytest.raises(ImageError, match="check --shape and --dtype"):
        load_image(tmp_path / "v.raw", shape="10x20x30", dtype="uint8")


def test_memory_budget_is_checked_from_the_header_before_reading(tmp_path, monkeypatch) -> None:
    assert load_module.memory_budget_bytes() > 2**28  # 25 % of any machine that runs this
    # a .npy header announcing 4096^3 voxels, with no data behind it: refused from the header
    path = tmp_path / "huge.npy"
    with path.open("wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "|u1", "fortran_order": False, "shape": (4096, 4096, 4096)}
        )
    monkeypatch.setattr(load_module, "memory_budget_bytes", lambda: 8 * 2**30)
    with pytest.raises(ImageError, match="downsample it by 8 along each axis"):
        load_image(path)
