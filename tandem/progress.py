"""Progress reporting for long steps (loading, scoring, solving, writing).

The core takes an optional callback ``progress(step, fraction)`` where
``step`` is a short Russian label («Оценка пар», «Подбор пар», …) and
``fraction`` is in [0, 1]. The command line shows it as a tqdm bar; the
notebooks show it in the page. The core never imports either.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: ``progress(step, fraction)``; fraction in [0, 1].
Progress = Callable[[str, float], None]


def report(progress: Progress | None, step: str, fraction: float) -> None:
    """Call ``progress`` if given (fraction clipped to [0, 1])."""
    if progress is not None:
        progress(step, min(1.0, max(0.0, float(fraction))))


@contextmanager
def tqdm_progress(enabled: bool | None = None) -> Iterator[Progress]:
    """A callback that draws one tqdm bar per step on stderr.

    Parameters
    ----------
    enabled : bool, optional
        Default: only when stderr is a terminal (no bars in logs and tests).
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda step, fraction: None
        return
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def callback(step: str, fraction: float) -> None:
        bar = bars.get(step)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[step] = tqdm(
                total=100,
                desc=step,
                unit="%",
                leave=True,
                file=sys.stderr,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
            )
        bar.update(int(round(fraction * 100)) - bar.n)

    try:
        yield callback
    finally:
        for bar in bars.values():
            bar.close()


class StepTimes:
    """Wraps a progress callback and records the wall time of each step.

    A step lasts from its first report until the next step begins, or until
    its own last report for the last step (seconds, from
    :func:`time.perf_counter`). ``str()`` gives a Russian line such as
    «Время по шагам: Чтение реестра 2.1 с; Оценка пар 7.9 с», so a long run
    shows where its time went even when no progress bar is drawn.
    """

    def __init__(self, progress: Progress | None = None):
        self.progress = progress
        self.spans: dict[str, list[float]] = {}
        self._current: str | None = None

    def __call__(self, step: str, fraction: float) -> None:
        now = time.perf_counter()
        if self._current is not None and self._current != step:
            self.spans[self._current][1] = now
        self._current = step
        span = self.spans.setdefault(step, [now, now])
        span[1] = now
        if self.progress is not None:
            self.progress(step, fraction)

    def seconds(self) -> dict[str, float]:
        """Step → seconds, in the order the steps began."""
        return {step: end - start for step, (start, end) in self.spans.items()}

    def __str__(self) -> str:
        parts = [f"{step} {sec:.1f} с" for step, sec in self.seconds().items()]
        return "Время по шагам: " + "; ".join(parts) if parts else ""
