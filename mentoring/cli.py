"""``python -m mentoring``: the register of tandems through the year.

::

    python -m mentoring approve RESULT.xlsx --register REGISTER.xlsx --order "Приказ № 45 от 01.09.2026" \\
        --start 2026-09-01 [--end 2027-05-31] [--registry REGISTRY]
    python -m mentoring status REGISTER.xlsx --mentee ID --mentor ID --status STATUS --on DATE \\
        [--reason TEXT] [--basis TEXT] [--end DATE]
    python -m mentoring documents REGISTER.xlsx REGISTRY --out DIR [--on DATE] [--templates DIR] [--every-weeks N]
    python -m mentoring rematch REGISTRY --register REGISTER.xlsx --on DATE --out RESULT.xlsx \\
        [--change-cost X] [--config CONFIG.yaml]
    python -m mentoring report REGISTER.xlsx REGISTRY --on DATE --out DIR [--diagnosis FILE] [--threshold N] \\
        [--templates DIR]
    python -m mentoring diagnosis template REGISTRY --out DIR
    python -m mentoring diagnosis import REGISTRY ANSWERS --out REGISTRY_OUT [--threshold N] [--map DIR]
    python -m mentoring diagnosis map REGISTRY --out DIR
    python -m mentoring diagnosis repeat REGISTER.xlsx REGISTRY ANSWERS --out FILE.xlsx [--threshold N]

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
    _add_report_and_diagnosis(sub)
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
    if args.command in ("report", "diagnosis"):
        return _run_report_or_diagnosis(args)
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
        progress("Чтение реестра", 0.0)
        registry = load_registry(args.registry)
        register = load_register(path, today=args.on)
        check_district(register, registry.teachers["teacher_id"], Path(args.registry).name)
        progress("Чтение реестра", 1.0)
        result = rematch(registry, register, args.on, config, args.change_cost, progress=progress)
        progress("Запись Excel", 0.0)
        out = write_result(result, registry, args.out)
        progress("Запись Excel", 1.0)
    kinds = result.changes["change"].value_counts()
    print(result.summary())
    print(
        f"Действующих пар на {args.on:%d.%m.%Y}: {int((result.changes['mentor_before'] != '').sum())}; "
        f"сохранено: {int(kinds.get('сохранена', 0))}, сменили наставника: "
        f"{int(kinds.get('другой наставник', 0))}, снято: {int(kinds.get('снята', 0))}, "
        f"новых пар: {int(kinds.get('новая', 0))} — подробности в листе «Изменения»."
    )
    print(f"{progress}.")
    print(f"Результат записан: {Path(out)}")
    return 0


# --------------------------------------------------------------------------- report and diagnosis


def _add_report_and_diagnosis(sub) -> None:
    """The subcommands ``report`` and ``diagnosis`` (template, import, map, repeat)."""
    r = sub.add_parser("report", help="отчёт за полугодие: «Показатели.xlsx» и «Аналитическая справка.docx»")
    r.add_argument("register", help="реестр пар (.xlsx)")
    r.add_argument("registry", help="реестр педагогов: книга .xlsx или папка с CSV")
    r.add_argument("--on", required=True, type=_date, help="дата показателей")
    r.add_argument("--out", required=True, help="папка для отчёта")
    r.add_argument("--diagnosis", help="повторная диагностика: анкета .xlsx/.csv или папка анкет")
    r.add_argument("--threshold", type=int, default=2, help="дефицит закрыт при уровне не ниже N (1–3; 2)")
    r.add_argument("--templates", help="папка со своим шаблоном Word report.docx")
    g = sub.add_parser("diagnosis", help="диагностика дефицитов: бланки анкет, импорт, карта, повторная")
    gs = g.add_subparsers(dest="action", required=True)
    t = gs.add_parser("template", help="бланки анкет: по книге на каждую школу")
    t.add_argument("registry", help="реестр педагогов")
    t.add_argument("--out", required=True, help="папка для бланков")
    i = gs.add_parser("import", help="импорт заполненных анкет в реестр педагогов")
    i.add_argument("registry", help="реестр педагогов")
    i.add_argument("answers", help="папка анкет или один файл .xlsx/.csv (выгрузка онлайн-формы)")
    i.add_argument("--out", required=True, help="реестр с дефицитами: .xlsx или папка для CSV")
    i.add_argument("--threshold", type=int, default=2, help="дефицит — уровень ниже N (1–3; по умолчанию 2)")
    i.add_argument("--map", help="папка для карты дефицитов (таблица и тепловая карта)")
    m = gs.add_parser("map", help="карта дефицитов района: по школам и группам, таблица и тепловая карта")
    m.add_argument("registry", help="реестр педагогов")
    m.add_argument("--out", required=True, help="папка для карты")
    q = gs.add_parser("repeat", help="повторная диагностика: какие дефициты наставляемых закрыты")
    q.add_argument("register", help="реестр пар (.xlsx)")
    q.add_argument("registry", help="реестр педагогов (дефициты до программы)")
    q.add_argument("answers", help="анкеты повторной диагностики: папка или файл")
    q.add_argument("--out", required=True, help="книга .xlsx с результатом")
    q.add_argument("--threshold", type=int, default=2, help="дефицит закрыт при уровне не ниже N (1–3)")


def _run_report_or_diagnosis(args) -> int:
    from matching import load_registry
    from mentoring import diagnosis_io as dio
    from mentoring.diagnosis import check_threshold, read_answers

    threshold = check_threshold(getattr(args, "threshold", 2))
    registry = load_registry(args.registry)
    if args.command == "report":
        from mentoring.lifecycle import check_district
        from mentoring.report_io import write_report

        register = _existing_register(args.register, args.on)
        check_district(register, registry.teachers["teacher_id"], Path(args.registry).name)
        answers = read_answers(dio.read_questionnaires(args.diagnosis), registry) if args.diagnosis else None
        paths = write_report(register, registry, args.on, args.out, answers, threshold, args.templates)
        print(f"Отчёт на {args.on:%d.%m.%Y} записан: " + ", ".join(str(p) for p in paths))
        return 0
    if args.action == "template":
        paths = dio.write_questionnaires(registry, args.out)
        print(f"Бланков анкет: {len(paths)} (по одному на школу), папка {Path(args.out)}")
        return 0
    if args.action == "import":
        new, answers = dio.import_diagnosis(args.answers, registry, threshold)
        out = dio.write_registry(new, args.out)
        n = int((new.deficit_levels["severity"] > 0).sum())
        print(
            f"Ответов: {len(answers)} (педагогов: {answers['teacher_id'].nunique()}; оценка куратора: "
            f"{int((answers['source'] == 'куратор').sum())}); дефицитов ниже порога {threshold}: {n}."
        )
        print(f"Реестр с дефицитами записан: {out}")
        if args.map:
            print("Карта дефицитов: " + ", ".join(str(p) for p in dio.write_deficit_map(new, args.map)))
        return 0
    if args.action == "map":
        print("Карта дефицитов: " + ", ".join(str(p) for p in dio.write_deficit_map(registry, args.out)))
        return 0
    if args.action == "repeat":
        register = _existing_register(args.register, dt.date.today())
        answers = read_answers(dio.read_questionnaires(args.answers), registry)
        table = dio.repeat_table(dio.latest_pairs(register.pairs), registry, answers, threshold)
        out = dio.write_repeat(table, args.out)
        closed, before = int(table["Закрыто"].sum()), int(table["Было дефицитов"].sum())
        print(f"Пар: {len(table)}; закрыто дефицитов: {closed} из {before}.")
        print(f"Записано: {out}")
        return 0
    raise AssertionError(args.action)  # pragma: no cover - argparse requires an action


def _existing_register(path: str, today: dt.date):
    from mentoring.register_io import load_register

    if not Path(path).exists():
        raise InputError(Issue("файл не найден", file=str(path)))
    return load_register(path, today=today)


# --------------------------------------------------------------------------- entry point


def console() -> None:
    """Console-script wrapper: exits with the code of :func:`main`."""
    sys.exit(run_cli(main))
