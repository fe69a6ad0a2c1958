"""What the «Сопровождение тандемов» page shows, as tables, texts and HTML.

Pure helpers of :mod:`mentoring.ui` and its steps (``mentoring.ui_*``): no
widgets, no files. Each takes the register
(:class:`~mentoring.register.Register`), the district registry
(:class:`~matching.model.Registry`, for names and schools) and a date, and
returns a DataFrame with Russian headers or an HTML string; each is tested on
its own. Statuses and the «in force» rule are those of
:mod:`mentoring.register` ([Тетюши-2022] §1.3, §4.10–§4.13 in
``docs/sources.md``).
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd

from mentoring.register import IN_FORCE_STATUSES, STATUSES, Register, in_force
from tandem.errors import InputError

#: Statuses a methodologist sets on the page (a pair starts as «действует» by approval).
CHANGE_STATUSES = ("завершена", "прекращена досрочно", "продлена")

#: Columns of the pairs table on the page, in order.
PAIR_VIEW_COLUMNS = [
    "Наставляемый",
    "Наставник",
    "Форма",
    "Формат",
    "Статус",
    "Начало",
    "Окончание",
    "Основание",
    "Причина",
]

#: Columns of the log table on the page, in order.
LOG_VIEW_COLUMNS = ["Дата", "Событие", "Наставляемый", "Наставник", "Было", "Стало", "Основание"]

#: Kinds of change of a re-match, in the order they are listed, and their colours on the page.
CHANGE_KINDS = {"другой наставник": "#fce4d6", "снята": "#f8cbad", "новая": "#e2efda", "сохранена": ""}

#: A legal form in capitals before the quoted name: МБОУ, МАОУ, ГБОУ, МБУ ДО …
_ORG_FORM = re.compile(r"^\s*[А-ЯЁ]{2,6}(?:\s+ДО)?\s+(?=[\"«])")


def d(day) -> str:
    """A date as «01.09.2026» ("" for anything that is not a date)."""
    return day.strftime("%d.%m.%Y") if isinstance(day, dt.date) else ""


def short_school(name: str) -> str:
    """A school's name without its legal form and quotes: «МБОУ "Зареченская СОШ № 1"» → «Зареченская СОШ № 1»."""
    return _ORG_FORM.sub("", str(name)).replace('"', "").replace("«", "").replace("»", "").strip()


class Names:
    """Names of teachers and schools of a registry, by id (codes stay as they are when unknown).

    Parameters
    ----------
    registry : Registry or None
        The district registry; ``None`` gives codes only.
    """

    def __init__(self, registry=None):
        self.teachers: dict[str, str] = {}
        self.school_of: dict[str, str] = {}
        self.schools: dict[str, str] = {}
        if registry is not None:
            t = registry.teachers
            self.teachers = dict(zip(t["teacher_id"], t["full_name"]))
            self.school_of = dict(zip(t["teacher_id"], t["school_id"]))
            s = registry.schools
            self.schools = dict(zip(s["school_id"], s["name"]))

    def person(self, teacher_id: str) -> str:
        """«Иванова Анна Петровна (П-002)»; the bare code when the registry does not know it."""
        name = self.teachers.get(teacher_id)
        return f"{name} ({teacher_id})" if name else str(teacher_id or "")

    def short(self, teacher_id: str) -> str:
        """«Иванова А. П. (П-002)»; the bare code when the registry does not know it."""
        parts = str(self.teachers.get(teacher_id, "")).split()
        if not parts:
            return str(teacher_id or "")
        initials = " ".join(f"{p[0]}." for p in parts[1:])
        return f"{' '.join([parts[0], initials]).strip()} ({teacher_id})"

    def card(self, teacher_id: str) -> str:
        """Two lines for a table cell: «Иванова А. П. (П-002)» and the short name of the school."""
        school = self.school(teacher_id)
        return f"{self.short(teacher_id)}\n{school}" if school else self.short(teacher_id)

    def school(self, teacher_id: str) -> str:
        """The short name of the teacher's school ("" when unknown)."""
        school_id = self.school_of.get(teacher_id)
        if school_id is None:
            return ""
        return short_school(self.schools.get(school_id, school_id))


def by_name(df: pd.DataFrame, column: str = "Наставляемый") -> pd.DataFrame:
    """``df`` sorted by a column of names (case and ё/е do not matter; stable), index reset."""
    key = df[column].astype(str).str.casefold().str.replace("ё", "е")
    return df.iloc[key.argsort(kind="stable")].reset_index(drop=True)


def default_day(register: Register, today: dt.date) -> dt.date:
    """The date the page opens on: ``today`` when some pair is in force then, else the latest start.

    A register of a past or a coming year opens on the day its latest pairs
    started, so the page never opens on an empty table when the register has pairs.
    """
    p = register.pairs
    if not len(p) or len(in_force(p, today)):
        return today
    return max(p["start"])


def pairs_table(register: Register, names: Names, on: dt.date, every_pair: bool = False) -> pd.DataFrame:
    """The pairs in force on ``on`` (or every pair of the register) as the page shows them.

    Parameters
    ----------
    register : Register
    names : Names
        Names of the registry.
    on : datetime.date
        The date; a pair is in force when its status is «действует» or
        «продлена» and start ≤ ``on`` ≤ end.
    every_pair : bool
        Every pair of the register, whatever its status and period.

    Returns
    -------
    DataFrame
        Columns :data:`PAIR_VIEW_COLUMNS` (str), sorted by mentee name
        (ё as е); a person is «Фамилия И. О. (код)», a line break and the
        short name of the school (:meth:`Names.card`); dates «ДД.ММ.ГГГГ».
    """
    p = register.pairs if every_pair else in_force(register.pairs, on)
    rows = [
        [
            names.card(r["mentee_id"]),
            names.card(r["mentor_id"]),
            str(r["form"] or ""),
            str(r.get("format", "") or ""),
            str(r["status"]),
            d(r["start"]),
            d(r["end"]),
            str(r["order"] or ""),
            str(r.get("reason", "") or ""),
        ]
        for r in p.to_dict("records")
    ]
    return by_name(pd.DataFrame(rows, columns=PAIR_VIEW_COLUMNS))


def status_counts(register: Register, on: dt.date) -> pd.DataFrame:
    """Pairs of the register by status, and how many of them are in force on ``on``.

    Returns
    -------
    DataFrame
        One row per status of :data:`~mentoring.register.STATUSES` and a
        last row «всего»; columns ``Статус`` (str), ``Пар в реестре`` (int),
        ``Действуют на ДД.ММ.ГГГГ`` (int).
    """
    p = register.pairs
    live = in_force(p, on)
    col = f"Действуют на {d(on)}"
    rows = [
        [
            s,
            int((p["status"] == s).sum()) if len(p) else 0,
            int((live["status"] == s).sum()) if len(live) else 0,
        ]
        for s in STATUSES
    ]
    rows.append(["всего", len(p), len(live)])
    return pd.DataFrame(rows, columns=["Статус", "Пар в реестре", col])


def summary_text(register: Register, on: dt.date) -> str:
    """One sentence: how many pairs are in force on ``on`` and how many ended during the year."""
    p = register.pairs
    live = len(in_force(p, on))
    ended = int(p["status"].isin(("завершена", "прекращена досрочно")).sum()) if len(p) else 0
    extended = int((p["status"] == "продлена").sum()) if len(p) else 0
    return (
        f"На {d(on)} действуют пар: {live}. Всего в реестре пар: {len(p)}; "
        f"завершены или прекращены: {ended}; продлены: {extended}."
    )


def log_table(register: Register, names: Names) -> pd.DataFrame:
    """The log, the latest event first, with names.

    Returns
    -------
    DataFrame
        Columns :data:`LOG_VIEW_COLUMNS` (str); the log's own order reversed
        (the log is append-only, so its last row is the latest event).
    """
    rows = [
        [
            d(r["date"]),
            str(r["event"] or ""),
            names.short(r["mentee_id"]) if r["mentee_id"] else "",
            names.short(r["mentor_id"]) if r["mentor_id"] else "",
            str(r["before"] or ""),
            str(r["after"] or ""),
            str(r["basis"] or ""),
        ]
        for r in register.log.to_dict("records")
    ]
    return pd.DataFrame(rows[::-1], columns=LOG_VIEW_COLUMNS)


def pair_choices(register: Register, names: Names, on: dt.date) -> list[tuple[str, tuple[str, str]]]:
    """The pairs whose status can be changed on ``on``, for a dropdown.

    Those with status «действует» or «продлена» that started by ``on`` (also
    one whose end has passed but whose status was not yet changed — the same
    rule as :func:`mentoring.change_status`).

    Returns
    -------
    list of (str, (str, str))
        («ФИО (код) ← ФИО (код), статус, ДД.ММ.ГГГГ–ДД.ММ.ГГГГ», (mentee_id, mentor_id)),
        sorted by label.
    """
    p = register.pairs
    if not len(p):
        return []
    live = p[p["status"].isin(IN_FORCE_STATUSES) & (p["start"] <= on)]
    out = {}
    for r in live.to_dict("records"):
        label = (
            f"{names.person(r['mentee_id'])} ← {names.person(r['mentor_id'])}, "
            f"{r['status']}, {d(r['start'])}–{d(r['end'])}"
        )
        out[(r["mentee_id"], r["mentor_id"])] = label
    return sorted(((label, key) for key, label in out.items()), key=lambda x: x[0])


def changes_table(changes: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The changes of a re-match with names, changed mentees first.

    Parameters
    ----------
    changes : DataFrame
        ``mentee_id``, ``mentor_before``, ``mentor_after``, ``change``
        (сохранена / новая / другой наставник / снята), ``reason``.

    Returns
    -------
    DataFrame
        Columns ``Наставляемый`` (:meth:`Names.card`), ``Наставник до``,
        ``Наставник после`` (:meth:`Names.card`, "" when none), ``Изменение``,
        ``Причина`` (str); ordered by :data:`CHANGE_KINDS`, then by mentee.
    """
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    rows = [
        [
            order.get(r["change"], len(order)),
            names.card(r["mentee_id"]),
            names.card(r["mentor_before"]) if str(r["mentor_before"] or "") else "",
            names.card(r["mentor_after"]) if str(r["mentor_after"] or "") else "",
            str(r["change"]),
            str(r.get("reason", "") or ""),
        ]
        for r in changes.to_dict("records")
    ]
    cols = ["Наставляемый", "Наставник до", "Наставник после", "Изменение", "Причина"]
    df = pd.DataFrame(rows, columns=["_order", *cols])
    return df.sort_values(["_order", "Наставляемый"], kind="stable")[cols].reset_index(drop=True)


def unmatched_table(unmatched: pd.DataFrame, names: Names) -> pd.DataFrame:
    """Mentees left without a mentor by a (re-)match, with the reason.

    Parameters
    ----------
    unmatched : DataFrame
        ``MatchResult.unmatched``: ``mentee_id``, ``reason`` at least.

    Returns
    -------
    DataFrame
        Columns ``Наставляемый`` (:meth:`Names.card`), ``Почему без наставника`` (str), by mentee.
    """
    rows = [[names.card(r["mentee_id"]), str(r["reason"] or "")] for r in unmatched.to_dict("records")]
    return by_name(pd.DataFrame(rows, columns=["Наставляемый", "Почему без наставника"]))


def changes_text(changes: pd.DataFrame) -> str:
    """«Сохранено пар: 40; другой наставник: 3; новых: 3; снято: 2.» for a re-match's changes."""
    n = changes["change"].value_counts() if len(changes) else pd.Series(dtype=int)
    return (
        f"Сохранено пар: {int(n.get('сохранена', 0))}; другой наставник: {int(n.get('другой наставник', 0))}; "
        f"новых: {int(n.get('новая', 0))}; снято: {int(n.get('снята', 0))}."
    )


def rematch_rule(change_cost: float | None) -> str:
    """The rule of a re-match in words (:func:`mentoring.rematch.rematch`).

    Parameters
    ----------
    change_cost : float or None
        Points a change of mentor must gain; None: every feasible pair in force is kept.

    Returns
    -------
    str
        «допустимые действующие пары сохранены» or, e.g., «пара меняется,
        только если смена даёт больше 0,30 балла» (two decimals, a comma).
    """
    if change_cost is None:
        return "допустимые действующие пары сохранены"
    return f"пара меняется, только если смена даёт больше {change_cost:.2f} балла".replace(".", ",")


# --------------------------------------------------------------------------- HTML
_TABLE_CSS = (
    "<style>.year-table{border-collapse:collapse;font-size:13px;line-height:1.3}"
    ".year-table th{background:#ddebf7;position:sticky;top:0;z-index:1;text-align:left}"
    ".year-table td,.year-table th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;white-space:nowrap}"
    ".year-table td.wrap{white-space:normal;min-width:130px;max-width:300px}"
    ".year-table .sub{color:#666;font-size:12px}</style>"
)

#: Row colours of the pairs table by status (the running ones stay white).
STATUS_COLORS = {"завершена": "#ededed", "прекращена досрочно": "#fce4d6", "продлена": "#e2efda"}


def _cell(value) -> str:
    """A cell's text escaped; a second line (after «\\n») is smaller and grey."""
    first, _, rest = str(value).partition("\n")
    out = html.escape(first)
    return out + f"<br><span class=sub>{html.escape(rest)}</span>" if rest else out


def table_html(
    df: pd.DataFrame,
    *,
    wrap: tuple[str, ...] = (),
    wrap_width: int = 300,
    shade: str | None = None,
    colors: dict[str, str] | None = None,
    height: int = 640,
    empty: str = "Нет строк.",
) -> str:
    """A table as escaped HTML in a scrolling box (the header stays on top).

    Parameters
    ----------
    df : DataFrame
        Shown as is, without the index; a cell's text after a line break
        («\\n») is shown as a smaller grey second line.
    wrap : tuple of str
        Columns whose long text wraps (the others stay on one line).
    wrap_width : int
        Widest a wrapping column grows, px.
    shade : str, optional
        A column whose value picks the row's background from ``colors``.
    colors : dict, optional
        Value of ``shade`` → CSS colour.
    height : int
        Height of the box in px (640 px shows about 16 two-line rows).
    empty : str
        Text shown instead of an empty table.
    """
    if not len(df):
        return f"<p><i>{html.escape(empty)}</i></p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    at = list(df.columns).index(shade) if shade in df.columns else None
    wrapped = " class=wrap" + (f" style='max-width:{int(wrap_width)}px'" if wrap_width != 300 else "")
    body = []
    for r in df.astype(object).where(df.notna(), "").itertuples(index=False):
        color = (colors or {}).get(str(r[at]), "") if at is not None else ""
        style = f" style='background:{color}'" if color else ""
        cells = "".join(f"<td{wrapped if c in wrap else ''}>{_cell(v)}</td>" for c, v in zip(df.columns, r))
        body.append(f"<tr{style}>{cells}</tr>")
    return (
        f"{_TABLE_CSS}<div style='max-height:{height}px;overflow:auto;max-width:100%'>"
        f"<table class='year-table'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def problems_html(
    exc: Exception, what: str = "В файлах есть ошибки — исправьте их и загрузите снова."
) -> str:
    """An input error as the table «Файл, Лист, Строка, Столбец, Что не так»; a refusal as plain text.

    An :class:`~tandem.errors.InputError` whose problems name no file, sheet,
    row or column (a refused status change, say) is shown as its messages;
    any other exception as one line — never a traceback.
    """
    if not isinstance(exc, InputError):
        return f"<p style='color:#b00'><b>Не удалось выполнить шаг:</b> {html.escape(str(exc))}</p>"
    if not any(i.file or i.sheet or i.row is not None or i.column for i in exc.issues):
        items = "".join(f"<li>{html.escape(i.message)}</li>" for i in exc.issues)
        return f"<div style='color:#b00'><b>Не сделано:</b><ul style='margin:2px 0'>{items}</ul></div>"
    frame = exc.to_frame().astype(object).fillna("")
    frame["Строка"] = frame["Строка"].map(lambda v: str(int(v)) if v != "" else "")
    return (
        f"<p style='color:#b00'><b>{html.escape(what)}</b> Найдено проблем: {len(exc.issues)}.</p>"
        + table_html(frame, wrap=("Что не так",), height=360)
    )
