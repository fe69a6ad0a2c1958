"""``python -m mentoring``: the register of tandems through the year.

::

    python -m mentoring approve RESULT.xlsx --register REGISTER.xlsx --order "Приказ № 45 от 01.09.2026" \\
        --start 2026-09-01 [--end 2027-05-31] [--registry REGISTRY]
    python -m mentoring status REGISTER.xlsx --mentee ID --mentor ID --status STATUS --on DATE \\
        [--reason TEXT] [--basis TEXT] [--end DATE]
    python -m mentoring documents REGISTER.xlsx REGISTRY --out DIR [--on DATE] [--templates DIR] [--every-weeks N]
    python -m mentoring rematch REGISTRY --register REGISTER.xlsx --on DATE --out RESULT.xlsx \\
        [--change-cost X] [--config CONFIG.yaml]

Exit 0 on success; exit 2 with a Russian message naming file, sheet, row and
column on bad input (no traceback; the register is rewritten only when the
whole step succeeded, atomically).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from tandem.cli import ArgumentParser, run_cli
from tandem.errors import InputError, Issue


def _date(text: str) -> dt.date:
    """«2026-09-01» or «01.09.2026» → date; argparse turns the error into exit 2."""
    from mentoring.register_io import parse_date

    d = parse_date(text.strip())
    if d is None:
        raise ValueError(text)
    return d


_date.__name__ = "дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"


def _parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="python -m mentoring", description="Тандем: реестр наставнических пар в течение года."
    )
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("approve", help="утвердить пары из книги подбора приказом: добавить их в реестр пар")
    a.add_argument("result", help="книга с результатом подбора (python -m matching run / mentoring rematch)")
    a.add_argument("--register", required=True, help="реестр пар (.xlsx); создаётся, если его нет")
    a.add_argument("--order", required=True, help="основание, например «Приказ № 45 от 01.09.2026»")
    a.add_argument("--start", required=True, type=_date, help="дата начала программ")
    a.add_argument("--end", type=_date, help="дата окончания (по умолчанию 31 мая, в пределах 3–12 месяцев)")
    a.add_argument("--registry", help="реестр педагогов: стаж для формы наставничества по умолчанию")
    s = sub.add_parser("status", help="изменить статус пары: завершена, прекращена досрочно, продлена")
    s.add_argument("register", help="реестр пар (.xlsx)")
    s.add_argument("--mentee", required=True, help="код наставляемого")
    s.add_argument("--mentor", required=True, help="код наставника")
    s.add_argument("--status", required=True, help="новый статус")
    s.add_argument("--on", required=True, type=_date, help="дата изменения")
    s.add_argument("--reason", default="", help="причина (обязательна для досрочного прекращения)")
    s.add_argument("--basis", default="", help="основание изменения")
    s.add_argument("--end", type=_date, help="новая дата окончания (для продления)")
    d = sub.add_parser("documents", help="приложение к приказу, программы наставничества и сетевые договоры")
    d.add_argument("register", help="реестр пар (.xlsx)")
    d.add_argument("registry", help="реестр педагогов: книга .xlsx или папка с CSV")
    d.add_argument("--out", required=True, help="папка для документов")
    d.add_argument("--on", type=_date, help="пары, действующие на эту дату (по умолчанию сегодня)")
    d.add_argument("--templates", help="папка со своими шаблонами Word (annex.docx, programme.docx)")
    d.add_argument("--every-weeks", type=int, default=2, help="встречи раз в N недель (1–8; по умолчанию 2)")
    m = sub.add_parser(
        "rematch", help="повторный подбор в течение года: сохранить действующие пары, где правила позволяют"
    )
    m.add_argument("registry", help="реестр педагогов сейчас: книга .xlsx или папка с CSV")
    m.add_argument("--register", required=True, help="реестр пар (.xlsx): действующие пары")
    m.add_argument("--on", required=True, type=_date, help="дата подбора: пары, действующие на эту дату")
    m.add_argument("--out", required=True, help="куда записать книгу с результатом (.xlsx)")
    m.add_argument(
        "--change-cost",
        type=_cost,
        help="цена смены наставника в баллах (≥ 0); без неё допустимые действующие пары сохраняются",
    )
    m.add_argument("--config", help="настройки подбора (YAML): веса и ограничения")
    return p


def _cost(text: str) -> float:
    """«0,2» or «0.2» → 0.2 (≥ 0); argparse turns the error into exit 2."""
    value = float(text.strip().replace(",", "."))
    if not value >= 0 or value == float("inf"):
        raise ValueError(text)
    return value


_cost.__name__ = "цена смены (число ≥ 0)"


def _load_or_new(path: Path, today: dt.date):
    from mentoring.register import Register
    from mentoring.register_io import load_register

    return load_register(path, today=today) if path.exists() else Register(source=path.name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; see the module docstring. Returns the exit code."""
    args = _parser().parse_args(argv)
    from mentoring.lifecycle import approve, change_status
    from mentoring.register_io import write_register

    if args.command == "approve":
        from mentoring.result_io import read_result

        pairs, changes = read_result(args.result)
        register = _load_or_new(Path(args.register), args.start)
        experience = None
        if args.registry:
            from matching import load_registry
            from mentoring.lifecycle import check_district

            t = load_registry(args.registry).teachers
            check_district(register, t["teacher_id"], Path(args.registry).name)
            experience = dict(zip(t["teacher_id"], t["experience_years"]))
        register, counts = approve(
            register,
            pairs,
            order=args.order,
            start=args.start,
            end=args.end,
            experience=experience,
            changes=changes,
            file=Path(args.result).name,
            sheet="Тандемы",
        )
        out = write_register(register, args.register)
        print(
            f"Утверждено пар: {counts['approved']}; уже действовали: {counts['kept']}; "
            f"прекращено при смене наставника или снятии: {counts['ended']}."
        )
        print(f"Реестр пар записан: {out}")
        return 0
    if args.command == "status":
        path = Path(args.register)
        if not path.exists():
            raise InputError(Issue("файл не найден", file=str(path)))
        from mentoring.register_io import load_register

        register = change_status(
            load_register(path, today=args.on),
            args.mentee,
            args.mentor,
            args.status,
            on=args.on,
            reason=args.reason,
            basis=args.basis,
            end=args.end,
        )
        out = write_register(register, path)
        print(f"Статус пары «{args.mentee}» – «{args.mentor}» изменён: {args.status}. Реестр записан: {out}")
        return 0
    if args.command == "documents":
        from matching import load_registry
        from mentoring.documents_io import write_documents
        from mentoring.lifecycle import check_district
        from mentoring.register_io import load_register

        on = args.on or dt.date.today()
        register = load_register(args.register, today=on)
        registry = load_registry(args.registry)
        check_district(register, registry.teachers["teacher_id"], Path(args.registry).name)
        paths = write_documents(
            register, registry, args.out, on, templates=args.templates, schedule_weeks=args.every_weeks
        )
        programmes = sum(p.suffix == ".docx" and p.parent.name == "Программы" for p in paths)
        print(
            f"Документы на {on:%d.%m.%Y} записаны в {Path(args.out)}: приложение к приказу, "
            f"программ наставничества: {programmes}, сетевые договоры."
        )
        return 0
    if args.command == "rematch":
        return _rematch(args)
    raise AssertionError(args.command)  # pragma: no cover - argparse requires a command


def _rematch(args) -> int:
    """``rematch``: read the registry, the register and the settings, match, write the result workbook."""
    from matching import load_config, load_registry, write_result
    from mentoring.lifecycle import check_district
    from mentoring.register_io import load_register
    from mentoring.rematch import rematch
    from tandem.progress import StepTimes, tqdm_progress

    path = Path(args.register)
    if not path.exists():
        raise InputError(Issue("файл реестра пар не найден", file=str(path)))
    config = load_config(args.config)
    with tqdm_progress() as bars:
        progress = StepTimes(bars)
        registry = load_registry(args.registry)
        register = load_register(path, today=args.on)
        check_district(register, registry.teachers["teacher_id"], Path(args.registry).name)
        result = rematch(registry, register, args.on, config, args.change_cost, progress=progress)
        out = write_result(result, registry, args.out)
    kinds = result.changes["change"].value_counts()
    print(result.summary())
    print(
        f"Действующих пар на {args.on:%d.%m.%Y}: {int((result.changes['mentor_before'] != '').sum())}; "
        f"сохранено: {int(kinds.get('сохранена', 0))}, сменили наставника: "
        f"{int(kinds.get('другой наставник', 0))}, снято: {int(kinds.get('снята', 0))}, "
        f"новых пар: {int(kinds.get('новая', 0))} — подробности в листе «Изменения»."
    )
    print(f"Результат записан: {Path(out)}")
    return 0


def console() -> None:
    """Console-script wrapper: exits with the code of :func:`main`."""
    sys.exit(run_cli(main))
