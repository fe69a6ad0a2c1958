"""Command line of the contest package (docs/formats.md §12.2).

::

    python -m contest sheets CONTEST.yaml PEOPLE.xlsx --out DIR/ [--stage S1] [--scores SCORES]
                             [--adjustments ADJ.csv] [--reconciliation DECISIONS.csv]
                             [--allow-unreconciled] [--decisions-blank BLANK.xlsx]
    python -m contest results CONTEST.yaml PEOPLE.xlsx SCORES --out PROTOCOL.xlsx
                              [--adjustments ADJ.csv] [--public PUBLIC.xlsx]
                              [--reconciliation DECISIONS.csv] [--allow-unreconciled]
                              [--decisions-blank BLANK.xlsx]
                              [--docx PROTOCOL.docx [--docx-template TEMPLATE.docx]]
    python -m contest assign CONTEST.yaml PEOPLE.xlsx [--stage S1] [--scores SCORES]
                             [--adjustments ADJ.csv] [--reconciliation DECISIONS.csv]
                             [--allow-unreconciled] [--decisions-blank BLANK.xlsx]
    python -m contest entries (REGISTER.xlsx | RESULT.xlsx) REGISTRY --jury JURY.xlsx --out PEOPLE.xlsx
                              [--on DATE] [--group-entries] [--nomination form|network|none]

Exit 0 on success; exit 2 with a Russian message naming file, sheet, row and
column on bad input (no traceback, :func:`tandem.cli.run_cli`), and on bad
arguments (:class:`tandem.cli.ArgumentParser`). The steps themselves are
:mod:`contest.workflow`, shared with the app. Every input
is read and checked before anything is written, and every file is written
through a temporary file (:func:`tandem.xlsx.atomic_save`), so a failed run
leaves no partial output. The one file written on a refusal is the blank of
the chair's decisions asked for with ``--decisions-blank`` when flags over
``max_spread`` stay open (the exit code stays 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from contest.assign import loads
from contest.definition_io import load_contest
from contest.model import ContestError
from contest.people import load_people
from contest.protocol_docx import write_protocol_docx
from contest.reconcile import UnreconciledError
from contest.reconcile_io import decisions_blank
from contest.sheets import build_sheets
from contest.workflow import protocol_document, protocol_workbook, public_workbook, run_results, stage_plan
from tandem.cli import ArgumentParser
from tandem.errors import InputError, Issue
from tandem.xlsx import atomic_save


def _parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="python -m contest", description="Конкурсы педагогов: оценочные листы жюри и протокол."
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sheets", help="оценочные листы для каждого члена жюри")
    s.add_argument("contest", help="описание конкурса (YAML)")
    s.add_argument("people", help="книга с листами «Участники» и «Жюри» (.xlsx)")
    s.add_argument("--out", required=True, help="папка для листов")
    s.add_argument("--stage", help="этап (по умолчанию первый)")
    s.add_argument("--scores", help="баллы предыдущих этапов (для второго и следующих этапов)")
    a = sub.add_parser("assign", help="показать распределение жюри и нагрузку")
    a.add_argument("contest")
    a.add_argument("people")
    a.add_argument("--stage")
    a.add_argument("--scores")
    for sp in (s, a):
        sp.add_argument(
            "--adjustments",
            help="бонусы и штрафы (CSV/xlsx: Код работы, Этап, Баллы, Основание): корректировки предыдущих "
            "этапов входят в балл этапа, по которому работы проходят дальше, как в протоколе",
        )
        sp.add_argument(
            "--reconciliation",
            help="решения председателя по оценкам предыдущих этапов, расходящимся больше max_spread: "
            "в следующий этап проходят работы по согласованным баллам, как в протоколе",
        )
        sp.add_argument(
            "--allow-unreconciled",
            action="store_true",
            help="определить прошедшие работы, хотя расхождения больше max_spread не согласованы",
        )
    r = sub.add_parser("results", help="итоги: протокол, сводная ведомость, согласованность")
    r.add_argument("contest")
    r.add_argument("people")
    r.add_argument("scores", help="баллы: CSV/xlsx в длинном формате или папка заполненных оценочных листов")
    r.add_argument("--out", required=True, help="файл протокола (.xlsx)")
    r.add_argument("--adjustments", help="бонусы и штрафы (CSV/xlsx: Код работы, Этап, Баллы, Основание)")
    r.add_argument("--public", help="публичный рейтинг (.xlsx) без имён участников, не давших согласие")
    r.add_argument(
        "--reconciliation",
        help="решения председателя по оценкам, расходящимся больше max_spread (CSV/xlsx: Код работы, "
        "Критерий или Задание, Код эксперта, Новый балл или «оставить», Основание)",
    )
    r.add_argument(
        "--allow-unreconciled",
        action="store_true",
        help="подвести итоги, хотя расхождения больше max_spread не согласованы (в протоколе — «не согласовано»)",
    )
    for sp in (s, a, r):
        sp.add_argument(
            "--decisions-blank",
            metavar="BLANK.xlsx",
            help="если расхождения больше max_spread не согласованы: записать бланк решений председателя "
            "с этими отметками (заполнить и передать в --reconciliation); код завершения остаётся 2",
        )
    r.add_argument("--docx", help="протокол для подписи в формате Word (.docx)")
    r.add_argument(
        "--docx-template", help="свой шаблон протокола Word (по умолчанию data/templates/protocol.docx)"
    )
    _entries_parser(sub)
    return p


def _blank_on_open_flags(args, contest, step):
    """``step()``; when it stops on open flags and ``--decisions-blank`` is given, the blank of decisions
    is written there (:func:`contest.reconcile_io.decisions_blank`) and the refusal still raised."""
    try:
        return step()
    except UnreconciledError as exc:
        if not args.decisions_blank:
            raise
        path = atomic_save(decisions_blank(contest, exc.flags), args.decisions_blank)
        raise ContestError(
            [
                *exc.issues,
                Issue(
                    f"бланк решений председателя по этим отметкам записан: {path} — заполните его "
                    "и передайте в --reconciliation"
                ),
            ]
        ) from None


def _plan(args, contest, people):
    return _blank_on_open_flags(
        args,
        contest,
        lambda: stage_plan(
            contest,
            people,
            args.stage,
            args.scores,
            args.reconciliation,
            args.allow_unreconciled,
            adjustments_path=args.adjustments,
        ),
    )


def cmd_sheets(args) -> int:
    contest = load_contest(args.contest)
    people = load_people(args.people)
    stage, jury = _plan(args, contest, people)
    plan = jury.assignment
    books = build_sheets(contest, people, plan, stage)  # everything built before anything is written
    out = Path(args.out)
    for name, wb in books.items():
        atomic_save(wb, out / name)
    ld = loads(plan, people)
    print(
        f"Конкурс «{contest.name}», этап {stage}: работ {plan['entry_id'].nunique()}, "
        f"экспертов на работу {contest.per_entry_of(stage)}."
    )
    print("Нагрузка: " + ", ".join(f"{r.juror_id} — {r.load}" for r in ld.itertuples()))
    print(f"Оценочные листы ({len(books)}) сохранены в папку {out}.")
    return 0


def cmd_assign(args) -> int:
    contest = load_contest(args.contest)
    people = load_people(args.people)
    stage, jury = _plan(args, contest, people)
    plan = jury.assignment
    print(f"Этап {stage}: распределение жюри (работа: эксперты)")
    for eid, g in plan.groupby("entry_id"):
        print(f"  {eid}: {', '.join(g['juror_id'])}")
    ld = loads(plan, people)
    print("Нагрузка: " + ", ".join(f"{r.juror_id} — {r.load}" for r in ld.itertuples()))
    return 0


def cmd_results(args) -> int:
    contest = load_contest(args.contest)
    people = load_people(args.people)
    if args.docx_template and not args.docx:
        raise InputError(Issue("--docx-template задаётся вместе с --docx (файл протокола Word)"))
    run = _blank_on_open_flags(
        args,
        contest,
        lambda: run_results(
            contest,
            people,
            args.scores,
            args.adjustments,
            people_path=args.people,
            reconciliation_path=args.reconciliation,
            allow_unreconciled=args.allow_unreconciled,
        ),
    )
    made_at = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the same time in both protocols
    protocol = protocol_workbook(run, people, made_at)  # everything built before anything is written
    public = public_workbook(run, people) if args.public else None
    document = protocol_document(run, people, made_at, args.docx_template) if args.docx else None
    out = atomic_save(protocol, args.out)
    if public is not None:
        atomic_save(public, args.public)
    if document is not None:
        write_protocol_docx(args.docx, document)
    print(summary_text(run.results, people, run.scores, out, args.public, args.docx))
    rec = run.reconciliation
    if rec is not None and len(rec.flags):
        print(
            f"Расхождения больше max_spread: {len(rec.flags)}, решений председателя: {len(rec.decisions)}, "
            f"не согласовано: {len(rec.open)} (лист «Согласование»)."
        )
    for w in run.severity.warnings if run.severity is not None else ():
        print("Внимание: " + w)
    return 0


def summary_text(res, people, ss, out, public=None, docx=None) -> str:
    """A short Russian summary of the results for the terminal."""
    r = res.ranking
    titles = people.entries.set_index("entry_id")
    lines = [
        f"Конкурс «{res.contest.name}» (версия {res.contest.version}): работ {len(r)}, "
        f"экспертов {ss.scores['juror_id'].nunique()}, баллов {len(ss.scores)}."
    ]
    top = r[r["rank"] == r["rank"].min()] if len(r) else r
    for rec in top.to_dict("records"):
        e = titles.loc[rec["entry_id"]] if rec["entry_id"] in titles.index else None
        who = f" — {e['title']} ({e['mentor_name']}, {e['mentee_name']})" if e is not None else ""
        total = rec["total"]
        if total == total:  # not NaN
            pts = f"итоговый балл {total:g}"
        else:
            st = res.stages[res.stages["entry_id"] == rec["entry_id"]].dropna(subset=["total"])
            pts = f"итог ещё не подсчитан (не оценены этапы {', '.join(res.contest.ranking_stages)})" + (
                f"; балл этапа {st.iloc[-1]['stage_id']}: {st.iloc[-1]['total']:g}" if len(st) else ""
            )
        lines.append(
            f"Первое место: {rec['entry_id']}{who}; {pts}"
            + (f", {rec['award']}" if rec.get("award") else "")
            + (" (равенство баллов: требует решения председателя)" if rec.get("tie_flag") else "")
            + "."
        )
    ties = int(r["tie_flag"].astype(bool).sum()) if "tie_flag" in r else 0
    if ties:
        lines.append(f"Работ с неразрешённым равенством баллов: {ties} (см. примечания в протоколе).")
    lines.append(f"Протокол: {out}")
    if public:
        lines.append(f"Публичный рейтинг: {public}")
    if docx:
        lines.append(f"Протокол для подписи (Word): {docx}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (bad input raises :class:`ContestError`)."""
    args = _parser().parse_args(argv)
    commands = {"sheets": cmd_sheets, "assign": cmd_assign, "results": cmd_results, "entries": cmd_entries}
    return commands[args.command](args)


# --------------------------------------------------------------------------- entries from the pairs
def _on_date(text: str) -> dt.date:
    """«2026-10-01» or «01.10.2026» → date; argparse turns the error into exit 2."""
    from mentoring.register_io import parse_date

    d = parse_date(text.strip())
    if d is None:
        raise ValueError(text)
    return d


_on_date.__name__ = "дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"


def _entries_parser(sub) -> None:
    """The subcommand ``entries``: the people workbook of a tandem contest (docs/formats.md §12.2)."""
    from contest.entries import NOMINATION_RULES

    e = sub.add_parser(
        "entries", help="книга участников конкурса тандемов из реестра пар или результата подбора"
    )
    e.add_argument("pairs", help="реестр наставнических пар или книга с результатом подбора (.xlsx)")
    e.add_argument("registry", help="реестр педагогов: книга .xlsx или папка с CSV")
    e.add_argument(
        "--jury", required=True, help="книга с листом «Жюри» (например, книга участников прошлого конкурса)"
    )
    e.add_argument("--out", required=True, help="книга участников и жюри (.xlsx)")
    e.add_argument(
        "--on", type=_on_date, help="для реестра пар: пары, действующие на эту дату (по умолчанию сегодня)"
    )
    e.add_argument(
        "--group-entries", action="store_true", help="наставник с несколькими наставляемыми — одна работа"
    )
    e.add_argument(
        "--nomination",
        choices=NOMINATION_RULES,
        default="form",
        help="номинация: form — форма наставничества (по умолчанию), network — сетевой тандем или тандем "
        "одной школы, none — без номинации",
    )


def cmd_entries(args) -> int:
    from contest.entries import double_roles
    from contest.entries_io import build_people, write_people

    on = args.on or dt.date.today()
    entries, jury, source = build_people(
        args.pairs, args.registry, args.jury, on=on, group=args.group_entries, nomination=args.nomination
    )
    out = write_people(args.out, entries, jury)
    what = (
        f"пар, действующих на {on:%d.%m.%Y}: {len(source.pairs)} из {source.total}"
        if source.kind == "register"
        else f"пар в результате подбора: {len(source.pairs)}"
    )
    groups = int(entries["mentee_name"].str.contains(", ").sum())
    noms = entries["nomination"].replace("", "без номинации").value_counts().sort_index()
    print(f"«{source.file}»: {what}.")
    print(
        f"Участников (работ): {len(entries)}"
        + (f", из них групп наставника: {groups}" if args.group_entries else "")
        + f"; экспертов: {len(jury)}."
    )
    print("Номинации: " + ", ".join(f"{k} — {v}" for k, v in noms.items()) + ".")
    twice = double_roles(entries)
    if twice:
        print(
            f"Внимание: в двух работах (наставник в одной, наставляемый в другой): {', '.join(twice)} — "
            "решите, оставить ли обе."
        )
    print("Согласие на публикацию имён у всех записано «нет»: отметьте «да», когда участники его дадут.")
    print(f"Книга участников и жюри: {out}")
    return 0
