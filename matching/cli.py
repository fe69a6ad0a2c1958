"""``python -m matching``: form tandems from a registry, or write an empty template.

::

    python -m matching run REGISTRY [--config CONFIG.yaml] [--out OUT.xlsx]
    python -m matching template OUT.xlsx

Exit 0 on success; exit 2 with a Russian message naming file, sheet, row and
column on bad input (no traceback, no output file written).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from tandem.cli import ArgumentParser, run_cli


def _parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="python -m matching", description="Тандем: формирование наставнических пар по реестру педагогов."
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="сформировать пары и записать книгу Excel с результатом")
    run.add_argument("registry", help="реестр: книга .xlsx или папка с CSV")
    run.add_argument("--config", help="настройки подбора (YAML): веса и ограничения")
    run.add_argument("--out", default="out/tandems.xlsx", help="куда записать результат (.xlsx)")
    tpl = sub.add_parser("template", help="записать пустой реестр с подсказками и выпадающими списками")
    tpl.add_argument("out", help="куда записать шаблон (.xlsx)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; see the module docstring. Returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "template":
        from matching.template import write_template

        path = write_template(args.out)
        print(f"Шаблон реестра записан: {path}")
        return 0

    from matching.config_io import load_config
    from matching.engine import match
    from matching.export import write_result
    from matching.registry import load_registry
    from tandem.progress import StepTimes, tqdm_progress

    config = load_config(args.config)
    with tqdm_progress() as bars:
        progress = StepTimes(bars)
        progress("Чтение реестра", 0.0)
        registry = load_registry(args.registry)
        progress("Чтение реестра", 1.0)
        result = match(registry, config, progress=progress)
        progress("Запись Excel", 0.0)
        out = write_result(result, registry, args.out)
        progress("Запись Excel", 1.0)
    print(result.summary())
    print(f"Наставляемых в реестре: {result.n_mentees}; время подбора: {result.solve_seconds:.2f} с.")
    print(f"{progress}.")
    print(f"Результат записан: {Path(out)}")
    return 0


def console() -> None:
    """Console-script wrapper: exits with the code of :func:`main`."""
    sys.exit(run_cli(main))
