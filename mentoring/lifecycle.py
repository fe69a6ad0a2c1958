"""What happens to pairs during the year: approval by order, status changes, release.

Every function takes a :class:`~mentoring.register.Register` and returns a new
one with the change applied and logged; nothing is edited in place, nothing
is read or written here. Bad requests raise :class:`RegisterError` with a
Russian message naming the row of the input (or the pair) and what was
expected.

Sources ([Тетюши-2022] in ``docs/sources.md``): the order that fixes the
pairs (roadmap item 2.7, «Приказ о закреплении наставнических пар»), the
programme of 3–12 months (§1.3), its extension or shortening by mutual
agreement (§4.10, §4.13) and its end (§4.12: completed in full, at the
initiative of the mentor or mentee, or of the curator).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from mentoring.register import (
    ENDED_STATUSES,
    IN_FORCE_STATUSES,
    MAX_MONTHS,
    PAIR_COLUMNS,
    STATUSES,
    Register,
    add_months,
    append_log,
    default_form,
    log_event,
    pair_text,
    programme_months_ok,
)
from tandem.errors import InputError, Issue


class RegisterError(InputError):
    """A register, or a change asked of it, that cannot be accepted; ``.issues`` lists each problem."""


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def default_end(start: dt.date) -> dt.date:
    """The default end of a programme that starts on ``start``.

    The next 31 May (the end of the school year) that leaves at least 3
    months; if that is more than 12 months away, the day before ``start`` +
    12 months. 01.09.2026 → 31.05.2027; 15.01.2027 → 31.05.2027;
    15.03.2027 → 14.03.2028.
    """
    earliest = add_months(start, 3) - dt.timedelta(days=1)
    may = dt.date(earliest.year, 5, 31)
    if may < earliest:
        may = dt.date(earliest.year + 1, 5, 31)
    latest = add_months(start, MAX_MONTHS) - dt.timedelta(days=1)
    return may if may <= latest else latest


def approve(
    register: Register,
    pairs: pd.DataFrame,
    *,
    order: str,
    start: dt.date,
    end: dt.date | None = None,
    experience: dict | None = None,
    changes: pd.DataFrame | None = None,
    file: str | None = None,
    sheet: str | None = None,
) -> tuple[Register, dict]:
    """Approve pairs by an order: they become pairs in force from ``start`` to ``end``.

    Parameters
    ----------
    register : Register
        The register before (may be empty).
    pairs : DataFrame
        Columns ``mentee_id``, ``mentor_id`` (str), optionally ``format``
        (str) and ``excel_row`` (int, for messages) — the «Тандемы» sheet of a
        matching result.
    order : str
        The basis, e.g. «Приказ № 45 от 01.09.2026»; must not be empty.
    start, end : datetime.date
        The programme period; ``end`` defaults to :func:`default_end`. The
        period must last 3–12 months ([Тетюши-2022] §1.3).
    experience : dict, optional
        mentee_id → experience in years, for the default form of each pair
        (:func:`~mentoring.register.default_form`).
    changes : DataFrame, optional
        The «Изменения» sheet of a re-match: ``mentee_id``, ``mentor_before``,
        ``mentor_after``, ``change`` (сохранена / новая / другой наставник /
        снята), ``reason``. Pairs in force whose mentee got another mentor or
        was released end the day before ``start`` with status «прекращена
        досрочно» and the reason; kept pairs stay as they are.
    file, sheet : str, optional
        Where ``pairs`` came from, for messages.

    Returns
    -------
    (Register, dict)
        The new register and counts: ``approved``, ``kept`` (already in force
        with the same mentor), ``ended`` (released by ``changes``).

    Raises
    ------
    RegisterError
        Empty order, a period outside 3–12 months, a mentee twice in
        ``pairs``, a mentee who is in a pair in force with another mentor
        during the period (end that pair first), a mentee paired with
        themselves.
    """
    end = end or default_end(start)
    issues: list[Issue] = []
    if not str(order).strip():
        issues.append(
            Issue("не указано основание (номер и дата приказа), например «Приказ № 45 от 01.09.2026»")
        )
    if end < start:
        issues.append(Issue(f"дата окончания {_d(end)} раньше даты начала {_d(start)}"))
    elif not programme_months_ok(start, end):
        issues.append(
            Issue(f"программа наставничества длится от 3 до 12 месяцев, а период {_d(start)}–{_d(end)} — нет")
        )
    if issues:
        raise RegisterError(issues)

    reg = register.copy()
    events: list[dict] = []
    ended = 0
    if changes is not None and len(changes):
        reg, events, ended = _apply_changes(reg, changes, start, order)

    rows = pairs.reset_index(drop=True)
    seen: dict[str, int] = {}
    new_rows: list[dict] = []
    kept = 0
    live = reg.pairs[reg.pairs["status"].isin(IN_FORCE_STATUSES)] if len(reg.pairs) else reg.pairs
    for i, p in rows.iterrows():
        excel_row = int(p["excel_row"]) if "excel_row" in p and pd.notna(p.get("excel_row")) else i + 2
        where = dict(file=file, sheet=sheet, row=excel_row)
        mentee, mentor = str(p["mentee_id"]).strip(), str(p["mentor_id"]).strip()
        if mentee == mentor:
            issues.append(
                Issue(
                    f"педагог «{mentee}» не может быть наставником самому себе",
                    column="Код наставника",
                    **where,
                )
            )
            continue
        if mentee in seen:
            issues.append(
                Issue(
                    f"наставляемый «{mentee}» указан дважды (первый раз в строке {seen[mentee]})",
                    column="Код наставляемого",
                    **where,
                )
            )
            continue
        seen[mentee] = excel_row
        overlap = (
            live[(live["mentee_id"] == mentee) & (live["start"] <= end) & (live["end"] >= start)]
            if len(live)
            else live
        )
        if len(overlap):
            same = overlap[overlap["mentor_id"] == mentor]
            if len(same) == len(overlap):
                kept += 1
                continue
            other = overlap[overlap["mentor_id"] != mentor].iloc[0]
            issues.append(
                Issue(
                    f"наставляемый «{mentee}» уже в паре с наставником «{other['mentor_id']}» "
                    f"({pair_text(other)}); сначала завершите или прекратите эту пару",
                    column="Код наставляемого",
                    **where,
                )
            )
            continue
        fmt = str(p.get("format", "") or "").strip()
        new_rows.append(
            {
                "mentee_id": mentee,
                "mentor_id": mentor,
                "form": default_form((experience or {}).get(mentee)),
                "format": fmt,
                "start": start,
                "end": end,
                "status": "действует",
                "order": str(order).strip(),
                "reason": "",
            }
        )
    if issues:
        raise RegisterError(issues)
    for r in new_rows:
        events.append(
            log_event(start, "пара утверждена", r["mentee_id"], r["mentor_id"], "", pair_text(r), r["order"])
        )
    if new_rows:
        added = pd.DataFrame(new_rows, columns=list(PAIR_COLUMNS))
        base = reg.pairs[list(PAIR_COLUMNS)] if len(reg.pairs) else None
        reg.pairs = added if base is None else pd.concat([base, added], ignore_index=True)
    reg.log = append_log(reg.log, events)
    return reg, {"approved": len(new_rows), "kept": kept, "ended": ended}


def _apply_changes(reg: Register, changes: pd.DataFrame, start: dt.date, order: str):
    """End the pairs in force that a re-match changed or released (the day before ``start``)."""
    events, ended = [], 0
    stop = start - dt.timedelta(days=1)
    for c in changes.itertuples(index=False):
        if c.change not in ("другой наставник", "снята") or not str(c.mentor_before or "").strip():
            continue
        reason = str(c.reason or "").strip() or (
            "смена наставника" if c.change == "другой наставник" else "снята"
        )
        event = "наставник сменён" if c.change == "другой наставник" else "пара снята при повторном подборе"
        reg, ev = _end_pair(
            reg, str(c.mentee_id), str(c.mentor_before), stop, "прекращена досрочно", reason, order, event
        )
        events += ev
        ended += bool(ev)
    return reg, events, ended


def _end_pair(
    reg: Register, mentee: str, mentor: str, day: dt.date, status: str, reason: str, basis: str, event: str
) -> tuple[Register, list[dict]]:
    p = reg.pairs
    mask = (
        (p["mentee_id"] == mentee)
        & (p["mentor_id"] == mentor)
        & p["status"].isin(IN_FORCE_STATUSES)
        & (p["start"] <= day + dt.timedelta(days=1))
        & (p["end"] >= day)
    )
    if not mask.any():
        return reg, []
    idx = p.index[mask][-1]
    before = pair_text(p.loc[idx])
    p = p.copy()
    p.loc[idx, "status"] = status
    p.loc[idx, "end"] = max(day, p.loc[idx, "start"])
    p.loc[idx, "reason"] = reason
    reg.pairs = p
    return reg, [log_event(day, event, mentee, mentor, before, pair_text(p.loc[idx]), basis)]


def check_district(register: Register, teacher_ids, registry_name: str | None = None) -> None:
    """Refuse a register none of whose people is in the registry (a register of another district).

    Parameters
    ----------
    teacher_ids : iterable of str
        The ``teacher_id`` of every teacher of the registry.

    Raises
    ------
    RegisterError
        The register has pairs and not one of their mentees or mentors is a
        teacher of the registry.
    """
    p = register.pairs
    if not len(p):
        return
    ids = set(teacher_ids)
    if not (set(p["mentee_id"]) | set(p["mentor_id"])) & ids:
        raise RegisterError(
            Issue(
                f"ни один педагог реестра пар не найден в реестре педагогов «{registry_name or 'реестр'}»: "
                "похоже, это реестр пар другого района или другой реестр педагогов",
                file=register.source,
                sheet="Пары",
            )
        )


def change_status(
    register: Register,
    mentee_id: str,
    mentor_id: str,
    status: str,
    *,
    on: dt.date,
    reason: str = "",
    basis: str = "",
    end: dt.date | None = None,
) -> Register:
    """Change the status of the pair ``mentee_id``–``mentor_id`` in force on ``on``.

    Parameters
    ----------
    status : str
        «завершена» (the programme done in full) or «прекращена досрочно»
        (ended early; ``reason`` required): the pair's end becomes ``on``.
        «продлена»: the end moves to ``end`` (required, later than today's
        end; the whole programme stays within 12 months, [Тетюши-2022] §1.3,
        §4.13).
    on : datetime.date
        The day of the change. The pair is the latest one of these two
        people with status «действует» or «продлена» that started by ``on``
        (a pair whose end has passed but whose status was not yet changed is
        found too); an ended pair's end becomes the earlier of ``on`` and its
        planned end.
    reason, basis : str
        Why, and on what basis (e.g. the order or the curator's note).

    Raises
    ------
    RegisterError
        Unknown status, no such pair in force on ``on``, a missing reason
        for an early end, an extension without a later end or beyond 12
        months.
    """
    status = str(status).strip().lower()
    if status not in STATUSES:
        raise RegisterError(f"неизвестный статус «{status}»; ожидался один из: {', '.join(STATUSES)}")
    pairs = register.pairs
    live = (
        pairs[
            pairs["status"].isin(IN_FORCE_STATUSES)
            & (pairs["start"] <= on)
            & (pairs["mentee_id"] == mentee_id)
            & (pairs["mentor_id"] == mentor_id)
        ]
        if len(pairs)
        else pairs
    )
    if not len(live):
        raise RegisterError(
            f"пары наставляемого «{mentee_id}» с наставником «{mentor_id}», действующей на {_d(on)}, в реестре нет"
        )
    idx = live.index[-1]
    row = pairs.loc[idx]
    if status == "действует":
        raise RegisterError(
            "пара уже действует; чтобы продлить её, выберите статус «продлена» и новую дату окончания"
        )
    if status == "прекращена досрочно" and not str(reason).strip():
        raise RegisterError("для досрочного прекращения укажите причину")
    new = pairs.copy()
    if status == "продлена":
        if end is None or end <= row["end"]:
            raise RegisterError(f"для продления укажите дату окончания позже нынешней ({_d(row['end'])})")
        if not programme_months_ok(row["start"], end):
            raise RegisterError(
                f"программа наставничества длится не больше 12 месяцев: с {_d(row['start'])} "
                f"её можно продлить не дальше {_d(add_months(row['start'], MAX_MONTHS) - dt.timedelta(days=1))}"
            )
        new.loc[idx, "end"] = end
    else:
        assert status in ENDED_STATUSES
        new.loc[idx, "end"] = min(on, row["end"])
    new.loc[idx, "status"] = status
    if str(reason).strip():
        new.loc[idx, "reason"] = str(reason).strip()
    out = register.copy()
    out.pairs = new
    out.log = append_log(
        out.log,
        [
            log_event(
                on, "статус изменён", mentee_id, mentor_id, pair_text(row), pair_text(new.loc[idx]), basis
            )
        ],
    )
    return out
