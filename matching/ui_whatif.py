"""The what-if questions of the «Формирование наставнических пар» page, built when first opened.

Three sections of one accordion, closed at start (the page opens faster with
fewer widgets): «Запасные наставники» (the next-best mentors of the selected
mentee, or for an unmatched one the changes that would give them a mentor),
«Почему не эта пара?» (any mentee and any mentor → :func:`matching.why_not`,
and «Закрепить эту пару», the page's own lock and re-run) and «Сравнить цели»
(both objectives on the same registry and settings). A section's widgets are
created the first time it is opened, and its answer is computed only while it
is open. Every answer is put into words by :mod:`matching.whatif_views`.
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from matching.engine import match
from matching.views import frame_html
from matching.whatif_views import alternates_view, objectives_view, why_not_view

#: Sections of the accordion, in order.
SECTIONS = ("Запасные наставники", "Почему не эта пара?", "Сравнить цели")
ALTERNATES, WHY_NOT, OBJECTIVES = range(3)


def _para(text: str, color: str = "#222") -> str:
    return f"<p style='margin:4px 0;font-size:14px;color:{color}'>{html.escape(text)}</p>"


class WhatIfPanels:
    """The accordion of the three questions of a :class:`matching.ui.TandemApp`.

    Parameters
    ----------
    app : TandemApp
        The page: its ``result``, ``registry``, ``mentee_choice`` (the mentee
        selected in the grid or by name), ``lock`` and ``run``.

    Attributes
    ----------
    accordion : ipywidgets.Accordion
        The widget shown in the page; ``selected_index`` None while closed.
    alternates_view, why_view, objectives_view : ipywidgets.HTML or None
        The answers (None until their section is first opened).
    """

    def __init__(self, app):
        self.app = app
        self.boxes = [W.VBox() for _ in SECTIONS]
        self.accordion = W.Accordion(children=self.boxes, titles=SECTIONS, selected_index=None)
        self.accordion.observe(lambda _: self.refresh(), names="selected_index")
        self.alternates_view: W.HTML | None = None
        self.why_view: W.HTML | None = None
        self.objectives_view: W.HTML | None = None
        self._compared = None  # the result last compared under both objectives

    # -- opening and refreshing ------------------------------------------------------------

    def open(self, section: int) -> None:
        """Open one section (as a click on its title does)."""
        self.accordion.selected_index = section

    def refresh(self) -> None:
        """Build the open section on its first opening and answer for the current result."""
        k = self.accordion.selected_index
        if k is None:
            return
        if not self.boxes[k].children:
            (self._build_alternates, self._build_why_not, self._build_objectives)[k]()
        (self.show_alternates, self._update_people, self.show_objectives)[k]()

    def _build_alternates(self) -> None:
        self.alternates_view = W.HTML()
        self.boxes[ALTERNATES].children = [
            W.HTML(
                _para(
                    "Щёлкните строку таблицы «Тандемы» (или выберите наставляемого в списке "
                    "«Наставляемый» выше): здесь появятся наставники, которых можно дать ему вместо "
                    "нынешнего, и что от этого изменится. Для наставляемого без наставника — что "
                    "поменять, чтобы он его получил."
                )
            ),
            self.alternates_view,
        ]

    def _build_why_not(self) -> None:
        wide = W.Layout(width="460px")
        self.why_mentee = W.Combobox(
            placeholder="начните вводить ФИО или код",
            description="Наставляемый:",
            ensure_option=True,
            style={"description_width": "110px"},
            layout=wide,
        )
        self.why_mentor = W.Combobox(
            placeholder="начните вводить ФИО или код",
            description="Наставник:",
            ensure_option=True,
            style={"description_width": "110px"},
            layout=wide,
        )
        self.why_button = W.Button(description="Ответить", icon="question", button_style="primary")
        self.why_lock = W.Button(
            description="Закрепить эту пару",
            icon="lock",
            button_style="info",
            layout=W.Layout(width="auto"),
            tooltip="Закрепить пару и сразу сформировать пары заново",
            disabled=True,
        )
        self.why_view = W.HTML()
        self.why_button.on_click(lambda _: self.show_why_not())
        self.why_lock.on_click(lambda _: self.lock_asked_pair())
        self.boxes[WHY_NOT].children = [
            W.HTML(
                _para(
                    "Выберите наставляемого и любого наставника (список подсказывает по первым буквам "
                    "ФИО или кода) и нажмите «Ответить»: программа скажет, почему пары нет в подборе и что "
                    "изменится, если её закрепить."
                )
            ),
            self.why_mentee,
            self.why_mentor,
            W.HBox([self.why_button, self.why_lock]),
            self.why_view,
        ]

    def _build_objectives(self) -> None:
        self.objectives_view = W.HTML()
        self.boxes[OBJECTIVES].children = [
            W.HTML(
                _para(
                    "Подбор с двумя целями на том же реестре и с теми же настройками: «наибольшая сумма "
                    "баллов» (обычная) и «лучшая самая слабая пара» (сначала поднять балл самой слабой "
                    "пары, затем сумму). Число пар при обеих целях наибольшее из возможных."
                )
            ),
            self.objectives_view,
        ]

    def on_result(self) -> None:
        """A new result (or an input error) of the page: refresh the open section."""
        if self.why_view is not None:
            self.why_view.value = ""
            self.why_lock.disabled = True
        self.refresh()

    def on_mentee_selected(self) -> None:
        """The page's selected mentee changed: follow it in the open section."""
        if self.accordion.selected_index == ALTERNATES:
            self.show_alternates()
        elif self.accordion.selected_index == WHY_NOT:
            self._preset_mentee()

    # -- «Запасные наставники» -----------------------------------------------------------

    def show_alternates(self) -> None:
        """The alternates (or the fixes) of the page's selected mentee."""
        result, mentee = self.app.result, self.app.mentee_choice.value
        if result is None:
            self.alternates_view.value = _para("Сначала сформируйте пары без ошибок в данных.")
            return
        if not mentee:
            self.alternates_view.value = ""
            return
        text, table = alternates_view(result, mentee)
        if "Сумма баллов" in table.columns:  # to 3 digits with a sign, as in the words beside it
            table = table.assign(**{"Сумма баллов": table["Сумма баллов"].map(lambda v: f"{v:+.3f}")})
        self.alternates_view.value = _para(text, "#0b5394") + (frame_html(table) if len(table) else "")

    # -- «Почему не эта пара?» -----------------------------------------------------------

    def _labels(self, frame: pd.DataFrame) -> dict:
        return {f"{n} ({i})": i for i, n in zip(frame["teacher_id"], frame["full_name"])}

    def _update_people(self) -> None:
        registry = self.app.registry
        if registry is None:
            return
        self._mentees, self._mentors = self._labels(registry.mentees), self._labels(registry.mentors)
        self.why_mentee.options = list(self._mentees)
        self.why_mentor.options = list(self._mentors)
        self._preset_mentee()

    def _preset_mentee(self) -> None:
        chosen = self.app.mentee_choice.value
        label = next((k for k, v in getattr(self, "_mentees", {}).items() if v == chosen), None)
        if label is not None and self.why_mentee.value != label:
            self.why_mentee.value = label
            self.why_view.value = ""
            self.why_lock.disabled = True

    def asked_pair(self) -> tuple[str | None, str | None]:
        """(mentee_id, mentor_id) chosen in the section (None for a text that names nobody)."""
        return (
            getattr(self, "_mentees", {}).get(self.why_mentee.value),
            getattr(self, "_mentors", {}).get(self.why_mentor.value),
        )

    def show_why_not(self) -> None:
        """Answer «Почему не эта пара?» for the chosen mentee and mentor."""
        mentee, mentor = self.asked_pair()
        self.why_lock.disabled = True
        if self.app.result is None:
            self.why_view.value = _para("Сначала сформируйте пары без ошибок в данных.")
            return
        if not mentee or not mentor:
            self.why_view.value = _para("Выберите наставляемого и наставника из подсказок списка.", "#b00")
            return
        answer = why_not_view(self.app.result, mentee, mentor)
        self.why_view.value = _para(answer.text, "#0b5394") + (
            "<b>У кого сменится наставник:</b>" + frame_html(answer.moves) if len(answer.moves) else ""
        )
        self.why_lock.disabled = not answer.can_lock

    def lock_asked_pair(self) -> None:
        """«Закрепить эту пару»: the page's lock of the pair, then the page's run."""
        mentee, mentor = self.asked_pair()
        if not mentee or not mentor:
            return
        self.app.lock(mentee, mentor)
        self.app.run()
        if self.app.result is not None:
            self.show_why_not()

    # -- «Сравнить цели» -----------------------------------------------------------------

    def show_objectives(self) -> None:
        """Match the shown result's registry under both objectives and show them side by side."""
        result, registry = self.app.result, self.app.registry
        if result is None or registry is None:
            self.objectives_view.value = _para("Сначала сформируйте пары без ошибок в данных.")
            return
        if self._compared is result:
            return
        self.objectives_view.value = "<i>Подбираю пары с обеими целями…</i>"
        ov = result.overrides
        locked = ov.loc[ov["action"] == "lock", ["mentee_id", "mentor_id"]]
        forbidden = ov.loc[ov["action"] == "forbid", ["mentee_id", "mentor_id"]]
        both = [
            match(
                registry,
                result.config.with_objective(objective),
                extra_locked=locked,
                extra_forbidden=forbidden,
            )
            for objective in ("total", "bottleneck")
        ]
        text, stats, moves = objectives_view(*both)
        self.objectives_view.value = (
            _para(text, "#0b5394")
            + frame_html(stats.map(lambda v: f"{v:.3f}" if isinstance(v, float) else v))
            + ("<b>У кого наставник зависит от цели:</b>" + frame_html(moves) if len(moves) else "")
        )
        self._compared = result
