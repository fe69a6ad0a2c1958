"""Plain-Russian explanations: why each pair was formed, why a mentee has none.

Every text is built from the numbers the solver used (components, covered
deficits, exclusion counts), so an explanation never claims more than the
model knows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from matching.config import MatchConfig

#: Why a pair is not feasible, per hard constraint of :data:`matching.scoring.EXCLUSIONS` (and
#: ``self``): the words of locked-pair messages and of released pairs in force.
EXCLUSION_TEXT = {
    "self": "наставник и наставляемый — один человек",
    "consent": "у наставника нет согласия",
    "capacity": "у наставника вместимость 0",
    "forbidden": "пара запрещена",
    "same_school": "наставник из той же школы, а настройка это запрещает",
    "format": "форматы «очно» и «дистанционно» несовместимы",
    "distance": "для очного формата школы дальше допустимого расстояния",
    "subject": "нет общего предмета, а настройка его требует",
    "relevance": "наставник не закрывает ни одного дефицита и не ведёт предметы наставляемого",
}


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for n: plural(1, "год", "года", "лет") → "год"; 3 → "года"; 11 → "лет"."""
    n10, n100 = n % 10, n % 100
    if n10 == 1 and n100 != 11:
        return one
    if 2 <= n10 <= 4 and not 12 <= n100 <= 14:
        return few
    return many


def _quote_list(items, limit: int = 4) -> str:
    items = list(items)
    shown = ", ".join(f"«{x}»" for x in items[:limit])
    return shown + (f" и ещё {len(items) - limit}" if len(items) > limit else "")


def pair_text(
    row: pd.Series,
    deficit_names: dict[str, str],
    mentor_category: str,
    mentor_cluster: str,
    mentee_cluster: str,
) -> str:
    """One-paragraph explanation of a formed pair.

    Parameters
    ----------
    row : Series
        A row of :attr:`MatchResult.pairs` (components, ``covered``,
        ``uncovered``, ``distance_km``, ``pair_format``, ``preference``,
        ``shared_subjects``, ``experience_gap``, ``locked``; optionally
        ``wish_mentee``, ``wish_mentor``: the rank of each side's wish, 0 = none).
    deficit_names : dict
        Deficit code → name.
    mentor_category, mentor_cluster, mentee_cluster : str
        For the text ("" when unknown).
    """
    parts = []
    if row.get("locked", False):
        parts.append("пара закреплена вручную")
    nd = int(row["n_deficits"])
    cov = list(row["covered"])
    if nd:
        names = [deficit_names.get(c, c) for c in cov]
        if cov:
            parts.append(
                f"закрывает {len(cov)} из {nd} {plural(nd, 'дефицита', 'дефицитов', 'дефицитов')}: "
                + _quote_list(names)
            )
        else:
            parts.append(f"не закрывает ни одного из {nd} дефицитов")
        if row["uncovered"] and cov:
            parts.append("не закрыты: " + _quote_list(deficit_names.get(c, c) for c in row["uncovered"]))
    if row["shared_subjects"]:
        parts.append("общий предмет: " + _quote_list(row["shared_subjects"]))
    gap = row["experience_gap"]
    if not math.isnan(gap):
        if gap > 0:
            parts.append(f"стаж наставника больше на {gap:g} {plural(int(round(gap)), 'год', 'года', 'лет')}")
        else:
            parts.append("стаж наставника не больше стажа наставляемого")
    if mentor_category:
        parts.append(f"категория наставника «{mentor_category}»")
    if mentor_cluster and mentee_cluster:
        arrow = {
            1.0: "от более сильной школы",
            0.5: "школы одной группы",
            0.0: "от школы с более низкими результатами",
        }
        parts.append(f"{mentor_cluster} → {mentee_cluster} ({arrow.get(row['cluster'], '')})")
    fmt = row["pair_format"]
    d = row["distance_km"]
    if isinstance(d, float) and not math.isnan(d):
        parts.append(f"формат «{fmt}», {d:.0f} км между школами")
    else:
        parts.append(f"формат «{fmt}», расстояние неизвестно")
    wish_e, wish_r = row.get("wish_mentee"), row.get("wish_mentor")
    if wish_e is None or wish_r is None:  # a row without the ranks: the mentee's wish from the component
        if row["preference"] > 0:
            parts.append(f"{int(round(1 / row['preference']))}-е пожелание наставляемого")
    elif wish_e and wish_r:
        parts.append(f"взаимное пожелание: {int(wish_e)}-е у наставляемого, {int(wish_r)}-е у наставника")
    elif wish_e:
        parts.append(f"{int(wish_e)}-е пожелание наставляемого")
    elif wish_r:
        parts.append(f"{int(wish_r)}-е пожелание наставника")
    parts.append(
        "сетевое наставничество (другая школа)" if row["other_school"] else "наставник из той же школы"
    )
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def unmatched_reason(
    mentee: Mapping,
    exclusions: Mapping | None,
    busy: list[dict],
    config: MatchConfig,
    deficit_names: dict[str, str],
) -> tuple[str, str]:
    """Reason code and Russian text for a mentee left without a mentor.

    Parameters
    ----------
    mentee : mapping (dict or Series)
        The mentee's row of :attr:`Registry.teachers`.
    exclusions : mapping (dict or Series) or None
        The mentee's row of :attr:`Candidates.exclusions` (None when the
        mentee was not considered because of missing consent).
    busy : list of dict
        Feasible mentors, best score first, each with ``mentor``, ``score`` and
        ``took`` (names of the mentees that mentor received).
    config : MatchConfig

    Returns
    -------
    (code, text) : tuple of str
        ``code`` is one of ``no_consent``, ``no_candidate``, ``mentors_busy``.
    """
    if not mentee["consent"]:
        return "no_consent", "нет согласия наставляемого на участие в наставничестве"
    if exclusions is None or int(exclusions["feasible"]) == 0:
        total = int(exclusions["mentors"]) if exclusions is not None else 0
        if total == 0:
            return "no_candidate", "в реестре нет ни одного наставника"
        e = exclusions
        available = total - int(e["self"]) - int(e["consent"]) - int(e["capacity"])
        if available <= 0:
            return "no_candidate", "нет ни одного наставника с согласием и ненулевой вместимостью"
        subjects = _quote_list(mentee["subjects"]) or "—"
        deficits = _quote_list(deficit_names.get(c, c) for c in mentee["deficits"]) or "—"
        labels = {
            "forbidden": "пара запрещена",
            "same_school": "из той же школы (запрещено настройкой)",
            "format": f"формат несовместим с «{mentee['format']}»",
            "distance": f"дальше {config.constraints.max_distance_km or 0:g} км для очного формата",
            "subject": f"не ведут предмет {subjects}",
            "relevance": f"не закрывают дефициты ({deficits}) и не ведут предмет {subjects}",
        }
        bits = [f"{int(e[key])} — {label}" for key, label in labels.items() if int(e[key])]
        return "no_candidate", (
            f"нет подходящего наставника: из {available} "
            f"{plural(available, 'наставника', 'наставников', 'наставников')} с согласием "
            "и свободной вместимостью " + "; ".join(bits)
        )
    best = busy[0] if busy else None
    if best is None:
        return "mentors_busy", "подходящие наставники заняты"
    took = _quote_list(best["took"], 3) if best["took"] else "—"
    n = int(exclusions["feasible"])
    return "mentors_busy", (
        f"все {n} "
        f"{plural(n, 'подходящий наставник занят', 'подходящих наставника заняты', 'подходящих наставников заняты')}"
        f": лучший — {best['mentor']} (балл {best['score']:.2f}), вместимость {best['capacity']}, взял(а): {took}"
    )


# ---------------------------------------------------------------------------
# Continuity: what happened to each pair in force (the «Изменения» sheet)

#: Kinds of change of a mentee's pair after a re-match, as written in «Изменения».
CHANGE_KINDS = ("сохранена", "новая", "другой наставник", "снята")
#: Reason of a pair in force that is kept, and of a pair of a mentee who had none.
KEPT_TEXT = "пара сохранена"
KEPT_LOCKED_TEXT = "пара сохранена (закреплена вручную)"
NEW_TEXT = "новый наставляемый: действующей пары не было"
LOCKED_OTHER_TEXT = "наставляемый закреплён вручную за другим наставником (лист «Закрепления»)"
MENTEE_GONE_TEXT = "наставляемый выбыл из реестра"
MENTOR_GONE_TEXT = "наставник выбыл из реестра"
MENTEE_NO_CONSENT_TEXT = "нет согласия наставляемого"


def number_ru(x: float, digits: int | None = 2, sign: bool = False) -> str:
    """A number with a decimal comma: ``number_ru(0.314) → "0,31"``, ``sign=True`` → ``"+0,31"``;
    ``digits=None`` gives the shortest form (``0.2 → "0,2"``); the minus sign is «−»."""
    text = f"{x:{'+' if sign else ''}{'g' if digits is None else f'.{digits}f'}}"
    return text.replace("-", "−").replace(".", ",")


def capacity_text(capacity: int, in_force: int, locked: int = 0) -> str:
    """Why pairs in force of one mentor were released: more of them (feasible ones, ``in_force``)
    than places (``capacity`` less the ``locked`` pairs)."""
    held = f", закреплено вручную {locked}" if locked else ""
    return (
        f"вместимость наставника уменьшена: мест {capacity}{held}, действующих пар {in_force}; "
        "сохранены пары с большим баллом"
    )


def role_text(role: str, side: str) -> str:
    """A teacher of a pair in force whose role no longer allows that side («наставник» / «наставляемый»)."""
    if side == "наставляемый" and role == "оба":
        return "у наставляемого (роль «оба») не осталось дефицитов"
    return f"педагог больше не {side}: роль «{role}»"


def change_text(
    before_score: float, after_score: float | None, change_cost: float, freed_for: str | None
) -> str:
    """Why a feasible pair in force was not kept under a price of change ``change_cost`` (score units).

    Parameters
    ----------
    before_score : float
        Score of the pair in force.
    after_score : float or None
        Score of the mentee's new pair (None: the mentee is left without a mentor).
    change_cost : float
        The price of breaking a pair in force.
    freed_for : str or None
        Who took the mentee's place at the former mentor (a mentee id), if anyone did.
    """
    lam = number_ru(change_cost, None)
    if after_score is not None:
        delta = after_score - before_score
        head = f"смена даёт {number_ru(delta, sign=True)} балла при цене смены {lam}"
        if delta > change_cost:
            return head
        if freed_for:
            return f"{head}, но место у прежнего наставника нужно «{freed_for}»: так больше пар или выше сумма баллов"
        return f"{head}, но перестановка пар даёт больше пар или выше сумму баллов"
    if freed_for:
        return (
            f"место у наставника нужно «{freed_for}»: так больше пар или выше сумма баллов "
            f"при цене смены {lam}"
        )
    return f"без этой пары больше пар или выше сумма баллов при цене смены {lam}"
