"""The personalised mentoring programme of one pair: what it says.

The structure follows the «Положение о системе (целевой модели)
наставничества педагогических работников», docs/sources.md [Тетюши-2022]
§4.7–4.9: participants, form and format, the problem from the mentee's
deficits, goal and tasks (first the deficits the mentor covers, then the
others as a route to courses or another mentor), the period of 3–12 months
(§1.3), the meeting schedule, expected results and how they are checked,
signatures. Rendered to Word by :mod:`mentoring.documents_io`; nothing here
opens or writes files.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from mentoring.documents import (
    DEFAULT_SCHEDULE_WEEKS,
    FORMAT_UNSET,
    MAX_SCHEDULE_WEEKS,
    REGULATION,
    RegistryIndex,
    _d,
    _index,
    _plural,
    _text,
    duration_text,
    file_name,
    short_name,
)

if TYPE_CHECKING:  # the type only: importing the package would pull in the file readers
    from matching import Registry


def meeting_dates(start: dt.date, end: dt.date, weeks: int = DEFAULT_SCHEDULE_WEEKS) -> list[dt.date]:
    """Meeting dates: every ``weeks`` weeks from ``start`` up to ``end`` (both inclusive).

    The rule, nothing more: the first meeting is on ``start`` (moved to the
    next Monday when ``start`` is a Saturday or Sunday); then one every
    ``weeks`` weeks on the same weekday while the date is not after
    ``end``. Holidays are not skipped — the pair moves a meeting by
    agreement and notes it in the «Отметка о проведении» column.

    Raises
    ------
    ValueError
        ``weeks`` not an integer from 1 to :data:`MAX_SCHEDULE_WEEKS`.
    """
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_SCHEDULE_WEEKS:
        raise ValueError(
            f"частота встреч — целое число недель от 1 до {MAX_SCHEDULE_WEEKS}, получено «{weeks}»"
        )
    day = start + dt.timedelta(days=(7 - start.weekday()) % 7 if start.weekday() >= 5 else 0)
    out = []
    while day <= end:
        out.append(day)
        day += dt.timedelta(weeks=weeks)
    return out


# --------------------------------------------------------------------------- the programme
def programme_context(
    pair_row,
    registry: Registry | RegistryIndex,
    schedule_weeks: int = DEFAULT_SCHEDULE_WEEKS,
    group: tuple[str, ...] = (),
) -> dict:
    """What the personalised mentoring programme of one pair says.

    Parameters
    ----------
    pair_row : mapping
        One register pair: ``mentee_id``, ``mentor_id``, ``form``,
        ``format``, ``start``, ``end`` (``datetime.date``), ``order``. Both
        people must be in the registry (see :func:`checked_in_force`).
    registry : Registry or RegistryIndex
        The district registry: teachers (deficits, strengths), schools,
        deficit catalogue (an index built once is faster for many pairs).
    schedule_weeks : int
        Weeks between meetings (1–8; :func:`meeting_dates`).
    group : tuple of str
        Ids of the mentor's other mentees in force (group mentoring), if any.

    Returns
    -------
    dict
        ``mentee``, ``mentor`` (dicts: ``id``, ``name``, ``short``,
        ``school``, ``school_id``, ``profile``), ``form``, ``format``,
        ``start``, ``end`` (dd.mm.yyyy), ``duration``, ``order``,
        ``regulation``, ``curator``, ``curator_short``, ``group_note``,
        ``network_note``, ``problem``, ``deficits`` (list of ``{n, code,
        name, area, covered, route}``: the mentor's covered ones first),
        ``goal``, ``tasks`` (``{n, deficit, task, way, term}``),
        ``schedule_rule``, ``meetings`` (``{n, date, topic}``), ``results``
        (``{n, result, check}``), ``file_name``.

    Raises
    ------
    KeyError
        A person not in the registry (check with :func:`checked_in_force` first).
    ValueError
        ``schedule_weeks`` out of range.
    """
    look = _index(registry)
    start, end = pair_row["start"], pair_row["end"]
    meetings = meeting_dates(start, end, schedule_weeks)
    mentee, mentor = look.person(pair_row["mentee_id"]), look.person(pair_row["mentor_id"])
    strengths = set(look.teachers[pair_row["mentor_id"]].get("strengths") or ())
    codes = list(dict.fromkeys(look.teachers[pair_row["mentee_id"]].get("deficits") or ()))
    ordered = [c for c in codes if c in strengths] + [c for c in codes if c not in strengths]
    deficits = []
    for n, code in enumerate(ordered, 1):
        name, area = look.deficits.get(code, (code, ""))
        covered = code in strengths
        deficits.append(
            {
                "n": n,
                "code": code,
                "name": name,
                "area": area or "область не указана",
                "covered": covered,
                "route": "работа с наставником"
                if covered
                else "наставник этим не владеет — курсы повышения квалификации или другой наставник",
            }
        )
    fmt = _text(pair_row.get("format")) or FORMAT_UNSET
    young = "молодой специалист" in str(pair_row["form"])
    tasks, results = _tasks_and_results(deficits, mentor["short"], young)
    covered_names = [d["name"] for d in deficits if d["covered"]]
    if deficits:
        problem = (
            "Наставляемый испытывает профессиональные затруднения (дефициты по результатам "
            "диагностики; первыми — те, по которым с ним работает наставник):"
        )
        goal = (
            "восполнить выявленные профессиональные дефициты наставляемого и закрепить освоенное в "
            "своей работе за " + duration_text(start, end) + "."
        )
    else:
        problem = (
            "В реестре у наставляемого не указаны профессиональные дефициты; в начале программы "
            "наставник и наставляемый проводят диагностику и уточняют задачи."
        )
        goal = (
            "профессиональная адаптация наставляемого и развитие его профессиональных компетенций за "
            + duration_text(start, end)
            + "."
        )
    group_note = ""
    if group:
        names = ", ".join(short_name(look.teachers[g]["full_name"]) for g in group if g in look.teachers)
        group_note = (
            f"Групповое наставничество: наставник ведёт {len(group) + 1} наставляемых (также {names}); "
            "часть встреч может проводиться для всей группы."
        )
    network_note = ""
    if mentee["school_id"] != mentor["school_id"]:
        network_note = (
            "Сетевое наставничество: наставник и наставляемый работают в разных образовательных "
            "организациях; взаимодействие — по договору о сетевом взаимодействии между ними."
        )
    return {
        "mentee": mentee,
        "mentor": mentor,
        "form": pair_row["form"],
        "format": fmt,
        "start": _d(start),
        "end": _d(end),
        "duration": duration_text(start, end),
        "order": _text(pair_row["order"]),
        "regulation": REGULATION,
        "curator": "________________________\n(ФИО, должность)",
        "curator_short": "________________",
        "group_note": group_note,
        "network_note": network_note,
        "problem": problem,
        "deficits": deficits,
        "goal": goal,
        "tasks": tasks,
        "schedule_rule": (
            f"Встречи — раз в {schedule_weeks} {_plural(schedule_weeks, 'неделю', 'недели', 'недель')}"
            f" с {_d(start)} по {_d(end)} в один день недели (если начало приходится на субботу или "
            "воскресенье — с ближайшего понедельника); праздничные дни не пропускаются "
            "автоматически: встречу переносят по договорённости и отмечают перенос в таблице."
        ),
        "meetings": _topics(meetings, covered_names),
        "results": results,
        "file_name": file_name(mentee["name"], mentee["id"]),
    }


def _tasks_and_results(deficits: list[dict], mentor_short: str, young: bool) -> tuple[list[dict], list[dict]]:
    tasks, results = [], []
    for d in deficits:
        if d["covered"]:
            way = (
                f"с наставником ({mentor_short}): консультации, взаимопосещение и разбор уроков, "
                "совместная разработка материалов"
            )
            term, check = (
                "весь срок программы",
                "повторная диагностика дефицитов в конце программы; разбор урока",
            )
        else:
            way = (
                "вне пары: курсы повышения квалификации по теме или консультации другого наставника "
                "(подбирает куратор)"
            )
            term = "по графику курсов"
            check = (
                "повторная диагностика дефицитов в конце программы; удостоверение о повышении "
                "квалификации или отзыв наставника"
            )
        tasks.append(
            {
                "n": len(tasks) + 1,
                "deficit": d["name"],
                "term": term,
                "way": way,
                "task": "освоить приёмы и способы работы по теме и применить их на своих уроках (занятиях)",
            }
        )
        results.append({"n": len(results) + 1, "result": f"Дефицит восполнен: {d['name']}", "check": check})
    if not deficits or young:
        tasks.append(
            {
                "n": len(tasks) + 1,
                "deficit": "Профессиональная адаптация",
                "task": "освоить нормативные документы, требования к уроку, документацию учителя; "
                "войти в коллектив",
                "way": f"с наставником ({mentor_short}): консультации, посещение уроков наставника",
                "term": "весь срок программы",
            }
        )
        results.append(
            {
                "n": len(results) + 1,
                "result": "Наставляемый адаптирован в профессии и коллективе",
                "check": "отзыв наставника, самоанализ наставляемого",
            }
        )
    for result, check in (
        ("Открытый урок (занятие) наставляемого", "проведение и анализ урока с наставником и куратором"),
        (
            "Портфолио наставляемого по итогам программы",
            "материалы портфолио: разработки уроков, отчёт наставляемого, отзыв наставника",
        ),
    ):
        results.append({"n": len(results) + 1, "result": result, "check": check})
    return tasks, results


#: What the ordinary meetings do, in turn (each covered deficit gets every activity in turn).
_ACTIVITIES = (
    "консультация",
    "посещение урока наставника и его разбор",
    "посещение и разбор урока наставляемого",
    "совместная разработка урока (занятия) и материалов",
)


def _topics(dates: list[dt.date], covered: list[str]) -> list[dict]:
    """Meetings with topics: the first sets the plan, the last sums up, the middle one reviews progress.

    The others go through the deficits the mentor covers, each in turn with
    one of :data:`_ACTIVITIES`.
    """
    out = []
    mid = len(dates) // 2 if len(dates) >= 5 else None
    k = 0
    for i, day in enumerate(dates):
        if i == 0:
            topic = (
                "Установочная встреча: знакомство, уточнение дефицитов по диагностике, согласование программы"
            )
        elif i == len(dates) - 1:
            topic = "Итоговая встреча: повторная диагностика дефицитов, открытый урок, портфолио"
        elif i == mid:
            topic = "Промежуточная встреча с куратором: ход программы, корректировка задач"
        else:
            activity = _ACTIVITIES[(k // max(len(covered), 1)) % len(_ACTIVITIES)]
            topic = (
                f"{covered[k % len(covered)]}: {activity}" if covered else activity[0].upper() + activity[1:]
            )
            k += 1
        out.append({"n": i + 1, "date": _d(day), "topic": topic})
    return out
