"""The certificate's QR code as an inline PNG, made fast enough for a print run.

segno encodes; choosing the data mask (eight trial maskings scored in pure Python) and writing the PNG
(pure Python) took most of its 70 ms for a signed payload of ~330 characters. Here segno encodes once with
mask 0, numpy scores the eight masks (the ISO/IEC 18004 penalty rules N1-N4) and applies the best one with
its format information (taken from a symbol of the same version and error level), and Pillow writes the PNG."""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass

import numpy as np
import segno
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

ERROR = "m"  # 15 % of a scuffed print can be lost and still read
MODULE_PX = 4
QUIET_ZONE = 4  # modules, as the standard asks
FINDER_LIKE = (np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=np.uint8),
               np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], dtype=np.uint8))
DATA_TYPES = frozenset({segno.consts.TYPE_DATA_DARK, segno.consts.TYPE_DATA_LIGHT})
FORMAT_TYPES = frozenset({segno.consts.TYPE_FORMAT_DARK, segno.consts.TYPE_FORMAT_LIGHT})


def _mask_patterns(size: int) -> list[np.ndarray]:
    i, j = np.indices((size, size))
    patterns = [
        (i + j) % 2 == 0, i % 2 == 0, j % 3 == 0, (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0, (i * j) % 2 + (i * j) % 3 == 0,
        ((i * j) % 2 + (i * j) % 3) % 2 == 0, ((i + j) % 2 + (i * j) % 3) % 2 == 0,
    ]
    return [pattern.astype(np.uint8) for pattern in patterns]


@dataclass(frozen=True)
class _Layout:
    """Per symbol version and error level: the masks over the data modules, where the format information
    sits, and its value under each mask."""

    masks: tuple[np.ndarray, ...]
    format_region: np.ndarray
    formats: tuple[np.ndarray, ...]


def _types(qr: segno.QRCode) -> list[list[int]]:
    return [list(row) for row in qr.matrix_iter(scale=1, border=0, verbose=True)]


@functools.lru_cache(maxsize=128)
def _layout(version: str, error: str, size: int) -> _Layout:
    symbols = [segno.make("0", version=version, error=error, mask=mask, boost_error=False, micro=False) for mask in range(8)]
    types = _types(symbols[0])
    data = np.array([[module in DATA_TYPES for module in row] for row in types], dtype=bool)
    labelled_format = np.array([[module in FORMAT_TYPES for module in row] for row in types], dtype=bool)
    # segno's verbose matrix also labels module (8, size-9) as format information; it carries data.
    standard = np.zeros((size, size), dtype=bool)
    standard[8, :9] = standard[:9, 8] = standard[8, size - 8:] = standard[size - 7:, 8] = True
    standard[8, 6] = standard[6, 8] = False  # the timing patterns cross there
    format_region = labelled_format & standard
    region = (data | (labelled_format & ~standard)).astype(np.uint8)
    assert region.shape == (size, size)
    formats = tuple(np.array(symbol.matrix, dtype=np.uint8)[format_region] for symbol in symbols)
    return _Layout(tuple(pattern & region for pattern in _mask_patterns(size)), format_region, formats)


def _runs_penalty(matrix: np.ndarray) -> int:
    """N1: each run of 5 + k modules of one colour in a row or column costs 3 + k."""
    total = 0
    size = matrix.shape[0]
    for lines in (matrix, matrix.T):
        padded = np.full((size, size + 1), 2, dtype=np.uint8)  # 2 separates the lines
        padded[:, :size] = lines
        flat = padded.ravel()
        starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
        lengths = np.diff(np.append(starts, flat.size))
        long = lengths[(flat[starts] != 2) & (lengths >= 5)]
        total += int((long - 2).sum())
    return total


def _penalty(matrix: np.ndarray) -> int:
    n1 = _runs_penalty(matrix)
    top_left = matrix[:-1, :-1]
    n2 = 3 * int(np.count_nonzero((top_left == matrix[1:, :-1]) & (top_left == matrix[:-1, 1:]) & (top_left == matrix[1:, 1:])))
    n3 = 0
    for lines in (matrix, matrix.T):
        windows = sliding_window_view(np.pad(lines, ((0, 0), (4, 4))), 11, axis=1)
        for pattern in FINDER_LIKE:
            n3 += 40 * int(np.count_nonzero((windows == pattern).all(axis=2)))
    dark_percent = 100 * int(matrix.sum()) / matrix.size
    n4 = 10 * int(abs(dark_percent - 50) // 5)
    return n1 + n2 + n3 + n4


def qr_matrix(text: str) -> np.ndarray:
    """The symbol's modules (1 dark), masked with the pattern of the lowest penalty, as the standard asks."""
    first = segno.make(text, error=ERROR, mask=0, micro=False)
    matrix = np.array(first.matrix, dtype=np.uint8)
    version, error = first.designator.split("-")
    layout = _layout(version, error, matrix.shape[0])
    unmasked = matrix ^ layout.masks[0]
    best = int(np.argmin([_penalty(unmasked ^ mask) for mask in layout.masks]))
    if best == 0:
        return matrix
    chosen = unmasked ^ layout.masks[best]
    chosen[layout.format_region] = layout.formats[best]
    return chosen


def qr_png_data_uri(text: str) -> str:
    """The QR code of `text` as a data: URI of a black-on-white PNG with the quiet zone."""
    light = (1 - qr_matrix(text)) * 255
    light = np.pad(light, QUIET_ZONE, constant_values=255).repeat(MODULE_PX, axis=0).repeat(MODULE_PX, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(light.astype(np.uint8), mode="L").convert("1").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
