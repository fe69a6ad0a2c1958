"""Documents as printed: LibreOffice renders them to PDF, poppler reads the pages back.

Shared by the print tests of the protocol, the mentoring documents and the
report. A test that needs them is skipped with the install command when
LibreOffice (``libreoffice-writer-nogui`` / ``libreoffice-calc-nogui``) or
poppler (``poppler-utils``) is missing; CI installs both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice_pdf(files: list[Path], outdir: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"
        )
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
        ]
        + [str(f) for f in files],
        check=True,
        capture_output=True,
        timeout=600,
    )
    missing = [f.name for f in files if not (outdir / f.with_suffix(".pdf").name).exists()]
    if missing:
        pytest.skip(f"LibreOffice did not convert {missing}: is libreoffice-calc-nogui installed?")


def pdf_pages(pdf: Path) -> list[dict]:
    """Pages of a PDF: width, height, words (x0, y0, x1, y1, text) from ``pdftotext -bbox``."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: apt-get install poppler-utils")
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [
            (float(a), float(b), float(c), float(d), w.replace("&amp;", "&"))
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>',
                m[3],
            )
        ]
        pages.append({"width": float(m[1]), "height": float(m[2]), "words": words})
    return pages


def is_a4(page: dict) -> bool:
    """A page of :func:`pdf_pages` is A4 (595 × 842 pt), portrait or landscape."""
    return sorted((round(page["width"]), round(page["height"]))) == [595, 842]
