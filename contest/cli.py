"""Command line of the contest package (docs/formats.md §12.2).

::

    python -m contest sheets CONTEST.yaml PEOPLE.xlsx --out DIR/ [--stage S1] [--scores SCORES]
    python -m contest results CONTEST.yaml PEOPLE.xlsx SCORES --out PROTOCOL.xlsx
                              [--adjustments ADJ.csv] [--public PUBLIC.xlsx]
                              [--reconciliation DECISIONS.csv] [--allow-unreconciled]
    python -m contest assign CONTEST.yaml PEOPLE.xlsx [--stage S1] [--scores SCORES]

Exit 0 on success; exit 2 with a Russian message naming file, sheet, row and
column on bad input (no traceback, :func:`tandem.cli.run_cli`), and on bad
arguments (:class:`tandem.cli.ArgumentParser`). The steps themselves are
:mod:`contest.workflow`, shared with the app. Every input
is read and checked before anything is written, and every file is written
through a temporary file (:func:`tandem.xlsx.atomic_save`), so a failed run
leaves no partial output.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contest.assign import loads
from contest.definition_io import load_contest
from contest.people import load_people
from contest.sheets import build_sheets
from contest.workflow import protocol_workbook, public_workbook, run_results, stage_plan
from tandem.cli import ArgumentParser
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
    return p


def cmd_sheets(args) -> int:
    contest = load_contest(args.contest)
    people = load_people(args.people)
    stage, jury = stage_plan(contest, people, args.stage, args.scores)
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
    stage, jury = stage_plan(contest, people, args.stage, args.scores)
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
    run = run_results(
        contest,
        people,
        args.scores,
        args.adjustments,
        people_path=args.people,
        reconciliation_path=args.reconciliation,
        allow_unreconciled=args.allow_unreconciled,
    )
    protocol = protocol_workbook(run, people)  # both workbooks built before anything is written
    public = public_workbook(run, people) if args.public else None
    out = atomic_save(protocol, args.out)
    if public is not None:
        atomic_save(public, args.public)
    print(summary_text(run.results, people, run.scores, out, args.public))
    rec = run.reconciliation
    if rec is not None and len(rec.flags):
        print(
            f"Расхождения больше max_spread: {len(rec.flags)}, решений председателя: {len(rec.decisions)}, "
            f"не согласовано: {len(rec.open)} (лист «Согласование»)."
        )
    for w in run.severity.warnings if run.severity is not None else ():
        print("Внимание: " + w)
    return 0


def summary_text(res, people, ss, out, public=None) -> str:
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
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (bad input raises :class:`ContestError`)."""
    args = _parser().parse_args(argv)
    return {"sheets": cmd_sheets, "assign": cmd_assign, "results": cmd_results}[args.command](args)
