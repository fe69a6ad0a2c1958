"""The methodologist's what-if questions, as Russian text and tables for the page.

Pure helpers of :mod:`matching.ui` (no widgets, no files): each takes results of
:func:`matching.match` and returns a sentence and a DataFrame with Russian
headers. The answers themselves come from the package — the exact next-best
mentors (:attr:`matching.MatchResult.alternates`, :mod:`matching.whatif`), the
ways to give an unmatched mentee a mentor (:attr:`matching.MatchResult.fixes`),
:func:`matching.why_not` and :func:`matching.priority.compare_objectives`; here
they are only put into words. The what-if answers exist only for the plain
objective («сумма баллов», no priority tiers): for another result the helpers
return :data:`NO_WHATIF_TEXT` instead of raising.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from matching.explain import plural
from matching.fixes import NOT_EXAMINED, not_examined_text
from matching.priority import compare_objectives
from matching.views import compare_results
from matching.whatif import why_not

#: Why the page cannot answer a what-if question for a result with priority tiers or another objective.
NO_WHATIF_TEXT = (
    "Ответ на этот вопрос программа даёт только для подбора с целью «наибольшая сумма баллов» "
    "без приоритетных групп наставляемых: выберите эту цель и сформируйте пары ещё раз."
)

#: Column headers of the objectives comparison (:func:`objectives_view`).
TOTAL_COLUMN = "Цель «наибольшая сумма баллов»"
BOTTLENECK_COLUMN = "Цель «лучшая самая слабая пара»"

#: Change of the total score treated as none when put into words (scores have 3 digits on the page).
SCORE_EPS = 5e-4


def _who(names: dict, teacher_id) -> str:
    """«ФИО (код)», or "" for no one."""
    if teacher_id is None or teacher_id == "" or (isinstance(teacher_id, float) and math.isnan(teacher_id)):
        return ""
    name = names.get(teacher_id)
    return f"{name} ({teacher_id})" if name else str(teacher_id)


def _names(result) -> dict:
    """teacher_id → full name of everybody the result knows (pairs, unmatched, what-if state)."""
    names = dict(zip(result.pairs["mentee_id"], result.pairs["mentee_name"]))
    names.update(zip(result.pairs["mentor_id"], result.pairs["mentor_name"]))
    names.update(zip(result.unmatched["mentee_id"], result.unmatched["mentee_name"]))
    state = getattr(result, "flow_state", None)
    if state is not None:
        names.update(zip(state.teachers["teacher_id"], state.teachers["full_name"]))
    return names


def change_words(matched_change: int, score_change: float) -> str:
    """A change of the optimum in plain words.

    Parameters
    ----------
    matched_change : int
        Change of the number of mentees with a mentor (≤ 0 for a forced pair).
    score_change : float
        Change of the total score of the pairs, score units.

    Returns
    -------
    str
        E.g. «все, у кого был наставник, его сохранят; сумма баллов меньше на 0.017»
        or «без наставника останется ещё 1 человек; сумма баллов больше на 0.120».
    """
    dm, ds = int(matched_change), float(score_change)
    if dm < 0:
        head = f"без наставника останется ещё {-dm} {plural(-dm, 'человек', 'человека', 'человек')}"
    elif dm > 0:
        head = f"наставника получат ещё {dm} {plural(dm, 'человек', 'человека', 'человек')}"
    else:
        head = "все, у кого был наставник, его сохранят"
    if abs(ds) < SCORE_EPS:
        tail = "сумма баллов почти не изменится"
    else:
        tail = f"сумма баллов {'меньше' if ds < 0 else 'больше'} на {abs(ds):.3f}"
    return f"{head}; {tail}"


# -- «Сравнить цели» ----------------------------------------------------------------------------------


def objectives_view(result_total, result_bottleneck) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Both objectives side by side: the figures, and who gets another mentor.

    Parameters
    ----------
    result_total, result_bottleneck : MatchResult
        :func:`matching.match` on the same registry and configuration, with
        ``objective`` ``total`` and ``bottleneck``.

    Returns
    -------
    text : str
        One Russian sentence: the weakest pair and the total score under each objective.
    stats : DataFrame
        :func:`matching.priority.compare_objectives` with the columns
        «Показатель», :data:`TOTAL_COLUMN`, :data:`BOTTLENECK_COLUMN`
        (the row «Кого касается» is left out: ``moves`` lists them).
    moves : DataFrame
        One row per mentee whose mentor differs: «Код наставляемого»,
        «Наставляемый», :data:`TOTAL_COLUMN`, :data:`BOTTLENECK_COLUMN` (the
        mentor, «ФИО (код)», "" for none), «Балл пары» under each (float,
        NaN for none) as «Балл: сумма» and «Балл: слабая пара»; by mentee id.
    """
    cmp = compare_objectives(result_total, result_bottleneck)
    cmp.columns = ["Показатель", TOTAL_COLUMN, BOTTLENECK_COLUMN]
    stats = cmp[cmp["Показатель"] != "Кого касается"].reset_index(drop=True)
    changes, _ = compare_results(result_total, result_bottleneck)
    moved = changes[changes["old_mentor"] != changes["new_mentor"]].sort_values("mentee_id", kind="stable")
    moves = pd.DataFrame(
        {
            "Код наставляемого": moved["mentee_id"],
            "Наставляемый": moved["mentee_name"],
            TOTAL_COLUMN: moved["old_mentor"],
            "Балл: сумма": moved["old_score"].astype(float),
            BOTTLENECK_COLUMN: moved["new_mentor"],
            "Балл: слабая пара": moved["new_score"].astype(float),
        }
    ).reset_index(drop=True)
    row = dict(zip(stats["Показатель"], zip(stats[TOTAL_COLUMN], stats[BOTTLENECK_COLUMN])))
    (wa, wb), (sa, sb), (na, nb) = (
        row["Балл самой слабой пары"],
        row["Сумма баллов"],
        row["Пар сформировано"],
    )
    n = len(moves)
    text = (
        f"Пар: {na} и {nb}. Самая слабая пара: {wa:.3f} при цели «сумма баллов» и {wb:.3f} при цели "
        f"«самая слабая пара»; сумма баллов: {sa:.3f} и {sb:.3f}. "
        + (
            f"Наставник другой у {n} {plural(n, 'наставляемого', 'наставляемых', 'наставляемых')}."
            if n
            else "Подбор одинаков при обеих целях."
        )
    )
    return text, stats, moves


# -- «Почему не эта пара?» -----------------------------------------------------------------------------


@dataclass
class WhyNotView:
    """The answer of «Почему не эта пара?» for the page.

    Attributes
    ----------
    text : str
        The answer in Russian (:attr:`matching.whatif.WhyNot.text`, or
        :data:`NO_WHATIF_TEXT`).
    moves : DataFrame
        «Код наставляемого», «Наставляемый», «Наставник сейчас», «Наставник
        станет» («ФИО (код)», "" for none): every mentee whose mentor would
        change if the pair were locked, this mentee first. Empty when the pair
        is forbidden, already formed, or the question cannot be answered.
    can_lock : bool
        Locking the pair makes sense: every rule allows it and it is not in
        the result yet.
    """

    text: str
    moves: pd.DataFrame = field(default_factory=pd.DataFrame)
    can_lock: bool = False


MOVE_COLUMNS = ["Код наставляемого", "Наставляемый", "Наставник сейчас", "Наставник станет"]


def why_not_view(result, mentee_id: str, mentor_id: str) -> WhyNotView:
    """«Почему не эта пара?»: :func:`matching.why_not` with names.

    Parameters
    ----------
    result : MatchResult
    mentee_id, mentor_id : str
        Any mentee and any mentor of the registry.

    Returns
    -------
    WhyNotView
        For a result with priority tiers or the bottleneck objective (the
        package refuses with ValueError): :data:`NO_WHATIF_TEXT`, no moves,
        ``can_lock`` False.

    Raises
    ------
    RegistryError
        An id that is not a mentee / mentor of the registry.
    """
    try:
        answer = why_not(result, mentee_id, mentor_id)
    except ValueError:
        return WhyNotView(NO_WHATIF_TEXT, pd.DataFrame(columns=MOVE_COLUMNS), False)
    names = _names(result)
    rows = [
        (m, names.get(m, ""), _who(names, b), _who(names, a))
        for m, b, a in zip(
            answer.moves["mentee_id"], answer.moves["mentor_before"], answer.moves["mentor_after"]
        )
    ]
    moves = pd.DataFrame(rows, columns=MOVE_COLUMNS)
    head = f"{_who(names, answer.mentee_id)} ← {_who(names, answer.mentor_id)}. "
    already = answer.allowed and answer.matched_change == 0 and moves.empty
    return WhyNotView(head + answer.text, moves, answer.allowed and not already)


# -- «Запасные наставники» ----------------------------------------------------------------------------

ALTERNATE_HEADERS = ["Место", "Наставник", "Распределённых", "Сумма баллов", "Что будет, если закрепить"]
FIX_HEADERS = ["Что изменить", "Подробно", "Сменится наставник ещё у"]


def alternates_view(result, mentee_id: str) -> tuple[str, pd.DataFrame]:
    """«Запасные наставники» of one mentee: next-best mentors, or for an unmatched one the fixes.

    Parameters
    ----------
    result : MatchResult
    mentee_id : str

    Returns
    -------
    text : str
        A Russian sentence introducing the table (or saying why there is none;
        :data:`NO_WHATIF_TEXT` for a result without what-if answers).
    table : DataFrame
        A matched mentee: :data:`ALTERNATE_HEADERS` — «Место» (int, 1 = best),
        «Наставник» («ФИО (код)»), «Распределённых» (int change of the
        number of mentees with a mentor), «Сумма баллов» (float change),
        «Что будет, если закрепить» (:func:`change_words`). An unmatched
        mentee: :data:`FIX_HEADERS` from :attr:`matching.MatchResult.fixes`
        («Сменится наставник ещё у»: int, other mentees); empty when none of
        the single changes helps or when the mentee was not examined within
        the work budget of :mod:`matching.fixes` — ``text`` then says which
        («не проверено: ограничение объёма перебора (N из M нераспределённых
        проверены)»). Else empty.
    """
    names = _names(result)
    who = _who(names, mentee_id) or str(mentee_id)
    matched = mentee_id in set(result.pairs["mentee_id"])
    try:
        table = result.alternates if matched else result.fixes
    except ValueError:
        return NO_WHATIF_TEXT, pd.DataFrame()
    rows = table[table["mentee_id"] == mentee_id]
    if matched:
        out = pd.DataFrame(
            {
                "Место": rows["rank"].astype(int),
                "Наставник": [_who(names, m) for m in rows["mentor_id"]],
                "Распределённых": rows["matched_change"].astype(int),
                "Сумма баллов": rows["score_change"].astype(float).round(3),
                "Что будет, если закрепить": [
                    change_words(dm, ds) for dm, ds in zip(rows["matched_change"], rows["score_change"])
                ],
            },
            columns=ALTERNATE_HEADERS,
        ).reset_index(drop=True)
        if out.empty:
            pair = result.pairs[result.pairs["mentee_id"] == mentee_id]
            why = (
                "пара закреплена вручную или сохраняется по правилу"
                if bool(pair["locked"].any())
                else "другого подходящего наставника с местом нет"
            )
            return f"{who}: запасных наставников нет — {why}.", out
        return (
            f"{who}: если закрепить за наставляемым другого наставника, а остальные пары подобрать "
            "заново, — лучшие варианты (точный пересчёт):",
            out,
        )
    out = pd.DataFrame(
        {
            "Что изменить": rows["fix"],
            "Подробно": rows["detail"],
            "Сменится наставник ещё у": rows["pairs_changed"].astype(int),
        },
        columns=FIX_HEADERS,
    ).reset_index(drop=True)
    if mentee_id not in set(result.unmatched["mentee_id"]):
        return f"{who}: наставляемый не найден в результате.", out
    if out.empty:
        reason = result.unmatched.loc[result.unmatched["mentee_id"] == mentee_id, "reason"].iloc[0]
        status = table.attrs.get("status", {}).get(mentee_id)
        if status == NOT_EXAMINED:
            return (
                f"{who} без наставника ({reason}). Изменение, которое дало бы наставника, — "
                f"{not_examined_text(table)}; наставляемые проверяются по порядку кодов.",
                out,
            )
        if status is None:  # not a candidate for a mentor at all (no consent): the reason says why
            return f"{who} без наставника ({reason}).", out
        return (
            f"{who} без наставника ({reason}); одного изменения, которое дало бы наставника, не нашлось "
            "(проверено пересчётом).",
            out,
        )
    return f"{who} без наставника. Любое из этих изменений даст наставника (проверено пересчётом):", out
