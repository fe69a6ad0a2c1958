"""The step timer behind the command line's «Время по шагам» line."""

from __future__ import annotations

import itertools

import tandem.progress as progress_module
from tandem.progress import StepTimes


def test_step_times_span_from_first_report_to_next_step(monkeypatch):
    clock = itertools.count(start=10.0, step=1.0)  # 10, 11, 12, … seconds
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: next(clock))
    seen = []
    timer = StepTimes(lambda step, fraction: seen.append((step, fraction)))
    timer("Чтение реестра", 0.0)  # t = 10
    timer("Чтение реестра", 1.0)  # 11
    timer("Оценка пар", 0.0)  # 12: reading ends here
    timer("Оценка пар", 0.5)  # 13
    timer("Объяснения", 0.0)  # 14
    timer("Запись Excel", 0.0)  # 15
    timer("Запись Excel", 1.0)  # 16: the last step ends at its last report
    assert timer.seconds() == {
        "Чтение реестра": 2.0,
        "Оценка пар": 2.0,
        "Объяснения": 1.0,
        "Запись Excel": 1.0,
    }
    assert seen[0] == ("Чтение реестра", 0.0) and len(seen) == 7  # the wrapped callback gets every report
    assert (
        str(timer)
        == "Время по шагам: Чтение реестра 2.0 с; Оценка пар 2.0 с; Объяснения 1.0 с; Запись Excel 1.0 с"
    )


def test_step_times_without_reports_is_empty():
    assert str(StepTimes()) == "" and StepTimes().seconds() == {}
