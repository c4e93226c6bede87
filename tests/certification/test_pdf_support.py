"""Reading certificate PDFs the way a checker would (poppler: pdftotext, pdffonts, pdfimages, pdfinfo); no tests here."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_file(tmp_path: Path, content: bytes, name: str = "certificate.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def pdf_text(path: Path) -> str:
    return _run("pdftotext", "-layout", str(path), "-")


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """One row per font: name, type, emb (embedded)."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type(1-2 words) encoding emb sub uni object-id gen
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_images(path: Path) -> list[dict[str, str]]:
    """pdfimages -list rows: page, type (image/smask), width, height."""
    rows = []
    for line in _run("pdfimages", "-list", str(path)).splitlines()[2:]:
        parts = line.split()
        rows.append({"page": parts[0], "type": parts[2], "width": parts[3], "height": parts[4]})
    return rows


def pdf_pages(path: Path) -> int:
    for line in _run("pdfinfo", str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def pdf_image_files(path: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdfimages", "-png", str(path), str(out / "img")], check=True)
    return sorted(out.glob("img-*.png"))


def qr_modules_of(image_path: Path, *, modules: int, quiet_zone: int = 4) -> np.ndarray:
    """The module grid (1 dark) read back from an extracted QR image, sampling each module's centre."""
    pixels = np.array(PILImage.open(image_path).convert("L"))
    total = modules + 2 * quiet_zone
    step = pixels.shape[0] / total
    centres = (np.arange(total) * step + step / 2).astype(int)
    grid = (pixels[np.ix_(centres, centres)] < 128).astype(np.uint8)
    return grid[quiet_zone:quiet_zone + modules, quiet_zone:quiet_zone + modules]


def seal_image_make(title: str = "公章") -> object:
    """A red round seal with a transparent background, as a Wagtail image."""
    img = PILImage.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, 292, 292), outline=(200, 20, 20, 255), width=14)
    draw.regular_polygon((150, 150, 55), 5, fill=(200, 20, 20, 255))
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="seal.png"))
