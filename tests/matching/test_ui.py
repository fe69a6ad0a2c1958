"""The tandem page's widgets, driven without a browser."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("ipywidgets")

from matching.ui import SAMPLE_REGISTRY, TandemApp  # noqa: E402

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def test_runs_on_the_sample_at_start():
    app = TandemApp()
    assert app.result is not None and app.error is None
    assert "Сформировано" in app.summary.value and "тандем" in app.summary.value
    assert "download=" in app.download.value and "base64," in app.download.value
    assert "<table" in app.tabs.children[0].value
    assert app.registry.source == SAMPLE_REGISTRY.name


def test_sliders_and_checkboxes_reach_the_config(registry_path):
    app = TandemApp(sample=registry_path)
    app.sliders["coverage"].value = 0.9
    app.subject_required.value = True
    app.max_distance.value = 0
    cfg = app.config()
    assert cfg.weights.coverage == 0.9 and cfg.constraints.require_subject_match
    assert cfg.constraints.max_distance_km is None
    app.run_button.click()
    assert app.result.config == cfg


def test_bad_upload_shows_problems_table_instead_of_raising(registry_path, tmp_path):
    app = TandemApp(sample=registry_path)
    app.source.index = 1
    app.upload.value = ({"name": "плохой.xlsx", "type": "", "size": 4, "content": memoryview(b"oops"),
                         "last_modified": NOW},)
    app.run_button.click()
    assert app.result is None and app.error is not None
    assert "плохой.xlsx" in app.problems.value and "это не книга Excel" in app.problems.value


def test_uploaded_registry_is_used(registry_path):
    app = TandemApp(autorun=False)
    app.source.index = 1
    data = registry_path.read_bytes()
    app.upload.value = ({"name": "мой.xlsx", "type": "", "size": len(data), "content": memoryview(data),
                         "last_modified": NOW},)
    app.run()
    assert app.registry.source == "мой.xlsx" and len(app.result.pairs) == 3
