"""Generated registries for the benchmarks, cached on disk by their parameters.

:func:`registry_folder` writes ``generate_registry(**params)`` as a CSV folder
(:func:`matching.registry_writer.write_registry_csv`) under
``benchmarks/.cache/registry-<key>/``, where ``<key>`` is a hash of the
parameters, so a rerun with the same parameters skips the generation. The
folder is gitignored; delete it to regenerate. Generation is never timed.

Run directly to prepare the region of the benchmark in advance::

    .venv/bin/python benchmarks/bench_data.py
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"

#: The region of the issue: 400 schools, ~60k teachers, ~21k mentees, ~9k mentors (capacities 1–3).
REGION = dict(
    districts=20, teachers=60_000, mentee_share=0.3334, mentor_share=0.1667, teachers_per_school=150, seed=5
)


def params_key(params: dict) -> str:
    """Short stable hash of a parameter dict (sorted JSON)."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def registry_folder(params: dict, cache: Path = CACHE, *, log=print) -> Path:
    """The CSV folder of ``generate_registry(**params)``; generated once and cached.

    A folder counts as complete only when its ``params.json`` is present (written
    last), so an interrupted generation is redone.
    """
    folder = cache / f"registry-{params_key(params)}"
    marker = folder / "params.json"
    if marker.exists():
        return folder
    from matching.registry_writer import write_registry_csv
    from matching.synthetic import generate_registry

    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    frames = generate_registry(**params)
    write_registry_csv(frames, folder)
    marker.write_text(json.dumps(params, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    if log:
        log(f"generated {folder.name} ({params}) in {time.perf_counter() - t0:.1f} s (not timed)")
    return folder


if __name__ == "__main__":
    print(registry_folder(REGION))
