"""«Итоги конкурса» in a real browser: the sections «Эксперты» (severity, agreement) and «Устойчивость
итогов» of the sample contest, photographed for the README."""

from __future__ import annotations

from PIL import Image

from tests.browser.conftest import PAGE_TIMEOUT, ROOT, open_page

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by conftest
    expect = None

#: The screenshot shown in the README (the organiser's section on robustness and severity).
README_SHOT = ROOT / "docs" / "img" / "app_contest_robustness.png"
#: The most the README's screenshot may weigh, bytes.
MAX_BYTES = 300_000


def test_severity_and_robustness_sections_of_the_sample(page, app_url, shot, app_timings):
    open_page(
        page,
        app_url,
        "03_contest_results.ipynb",
        lambda p: p.get_by_role("button", name="Подсчитать итоги"),
        app_timings,
    )
    expect(page.get_by_text("Победитель:", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    experts = page.get_by_role("heading", name="4. Эксперты")
    robustness = page.get_by_role("heading", name="5. Устойчивость итогов")
    expect(robustness).to_be_visible()
    expect(
        page.get_by_text("Итоги пересчитаны по тем же правилам без оценок каждого эксперта", exact=False)
    ).to_be_visible()
    expect(page.get_by_text("При других правилах подсчёта").last).to_be_visible()
    expect(page.get_by_text("Место без одного эксперта").first).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)

    full = shot(page, "03_contest_results_sections")  # grows the viewport to the whole page
    top = experts.bounding_box()
    last = page.locator("table").last.bounding_box()
    assert top and last and last["y"] > top["y"]
    image = Image.open(full)
    scale = image.width / page.viewport_size["width"]
    box = (0, max(top["y"] - 8, 0), page.viewport_size["width"], last["y"] + last["height"] + 12)
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    image.crop(tuple(round(v * scale) for v in box)).save(README_SHOT)
    # a palette of 64 colours keeps the text sharp and the file small
    img = Image.open(README_SHOT).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    img.save(README_SHOT, optimize=True)
    assert full.exists() and README_SHOT.stat().st_size < MAX_BYTES
