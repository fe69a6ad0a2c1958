"""Step 4 of the «Сопровождение тандемов» page: the re-match in the middle of the year.

:class:`RematchSection` is a part of :class:`mentoring.ui.YearApp`: it forms
the pairs again on a date from the pairs in force with the registry chosen
(:func:`mentoring.rematch.rematch`: every feasible pair kept, or changed only
when the change gains more than a cost), shows the changes and the mentees
left without a mentor (:func:`mentoring.views.changes_table`,
:func:`mentoring.views.unmatched_table`), gives the re-match workbook
(:func:`matching.export.result_bytes`) and approves the changes by the order
(:func:`mentoring.approve` with ``changes``).
"""

from __future__ import annotations

import html

import ipywidgets as W

from matching.engine import MatchResult
from matching.export import result_bytes
from mentoring.lifecycle import approve, check_district
from mentoring.register import Register
from mentoring.rematch import rematch
from mentoring.views import (
    CHANGE_KINDS,
    changes_table,
    changes_text,
    rematch_rule,
    table_html,
    unmatched_table,
)
from tandem.errors import InputError
from tandem.ui import XLSX_MIME, button, date_picker, download_link, heading, paragraph, text_input


class RematchSection:
    """«4. Повторный подбор» of :class:`mentoring.ui.YearApp`.

    Reads the page's ``today``, ``register``, ``registry``, ``names``, ``day``
    and calls its ``show``, ``_stale`` and ``_failed``; sets ``result`` (the
    re-match not yet approved), ``register`` and ``error``.
    """

    def _build_rematch(self) -> None:
        # 4. Re-match.
        self.rematch_day = date_picker("Дата подбора:", self.today, "280px")
        self.keep_all = W.Checkbox(
            value=True,
            description="Сохранять все действующие пары, которые по-прежнему допустимы",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.change_cost = W.FloatSlider(
            value=0.3,
            min=0.0,
            max=1.0,
            step=0.05,
            readout_format=".2f",
            description="Цена смены наставника, баллов:",
            disabled=True,
            style={"description_width": "initial"},
            layout=W.Layout(width="520px"),
        )
        self.rematch_button = button("Подобрать заново", "refresh")
        self.rematch_info = W.HTML()
        self.changes_view = W.HTML()
        self.rematch_link = W.HTML()
        self.rematch_order = text_input("Основание:", "Приказ № 3 от 15.01.2027")
        self.rematch_start = date_picker("Начало новых пар:", None)
        self.rematch_end = date_picker("Окончание (пусто — 31 мая):", None, "360px")
        self.approve_changes_button = button("Утвердить изменения", "check", "success")
        self.approve_changes_info = W.HTML()
        self.keep_all.observe(lambda ch: setattr(self.change_cost, "disabled", ch["new"]), names="value")
        self.rematch_button.on_click(lambda _: self.run_rematch())
        self.approve_changes_button.on_click(lambda _: self.approve_changes())

    def _rematch_children(self) -> list[W.Widget]:
        """Step 4 of the page: «Повторный подбор»."""
        return [
            heading("4. Повторный подбор"),
            paragraph(
                "В середине года реестр педагогов меняется: новые педагоги, выбывшие "
                "наставники, отозванные согласия. Выберите в шаге 1 реестр педагогов на сегодня и подберите "
                "пары заново: действующие пары, которые по-прежнему допустимы, сохраняются (или меняются, "
                "только если смена выигрывает больше заданной цены). Таблица покажет, что изменится."
            ),
            W.HBox([self.rematch_day, self.rematch_button]),
            self.keep_all,
            self.change_cost,
            self.rematch_info,
            self.changes_view,
            self.rematch_link,
            paragraph("<b>Утвердить изменения приказом:</b>", "8px 0 0"),
            W.HBox([self.rematch_order]),
            W.HBox([self.rematch_start, self.rematch_end]),
            W.HBox([self.approve_changes_button]),
            self.approve_changes_info,
        ]

    def run_rematch(self) -> MatchResult | None:
        """Form the pairs again on the chosen date from the pairs in force; show what changes."""
        self.rematch_info.value = self.changes_view.value = self.rematch_link.value = ""
        self.approve_changes_info.value = ""
        self.result = None
        try:
            if self.register is None or self.registry is None:
                raise InputError("сначала откройте реестр пар (шаг 1)")
            if self.rematch_day.value is None:
                raise InputError("укажите дату подбора")
            check_district(self.register, self.registry.teachers["teacher_id"], self.registry.source)
            cost = None if self.keep_all.value else float(self.change_cost.value)
            result = rematch(self.registry, self.register, self.rematch_day.value, change_cost=cost)
        except InputError as exc:
            self._failed(exc, self.rematch_info)
            return None
        self.result, self.error = result, None
        on = self.rematch_day.value
        rule = rematch_rule(cost)
        self.rematch_info.value = (
            f"<p style='font-size:15px'><b>Подбор на {on:%d.%m.%Y} по реестру педагогов "
            f"«{html.escape(self.registry.source or '')}» ({html.escape(rule)}).</b><br>"
            f"{html.escape(changes_text(result.changes))} {html.escape(result.summary())}</p>"
        )
        self.changes_view.value = table_html(
            changes_table(result.changes, self.names),
            wrap=("Причина",),
            wrap_width=520,
            shade="Изменение",
            colors=CHANGE_KINDS,
            empty="Действующих пар и новых наставляемых нет.",
        )
        if len(result.unmatched):
            self.changes_view.value += (
                f"<p style='margin:8px 0 2px'><b>Без наставника ({len(result.unmatched)}):</b></p>"
                + table_html(
                    unmatched_table(result.unmatched, self.names),
                    wrap=("Почему без наставника",),
                    wrap_width=900,
                    height=300,
                )
            )
        self.rematch_link.value = download_link(
            result_bytes(result, self.registry),
            f"повторный_подбор_{on:%Y-%m-%d}.xlsx",
            "Скачать результат повторного подбора (Excel, лист «Изменения»)",
            XLSX_MIME,
        )
        if self.rematch_start.value is None or self.rematch_start.value < on:
            self.rematch_start.value = on
        return result

    def approve_changes(self) -> Register | None:
        """Approve the re-match by the order: changed and released pairs end, new pairs start."""
        self.approve_changes_info.value = ""
        try:
            if self.result is None or self.register is None:
                raise InputError("сначала подберите пары заново (кнопка «Подобрать заново»)")
            if self.rematch_start.value is None:
                raise InputError("укажите дату начала новых пар")
            t = self.registry.teachers
            pairs = self.result.pairs[["mentee_id", "mentor_id", "pair_format"]].rename(
                columns={"pair_format": "format"}
            )
            register, counts = approve(
                self.register,
                pairs,
                order=self.rematch_order.value,
                start=self.rematch_start.value,
                end=self.rematch_end.value,
                experience=dict(zip(t["teacher_id"], t["experience_years"])),
                changes=self.result.changes,
            )
        except InputError as exc:
            self._failed(exc, self.approve_changes_info)
            return None
        # The approved re-match stays on view (what was approved) but cannot be approved twice.
        self.register, self.error, self.result = register, None, None
        self._stale()
        if self.day.value != self.rematch_start.value:
            self.day.value = self.rematch_start.value  # redraws through the observer
        else:
            self.show()
        # Said last, so that the page shows it only once the tables and the register's link are new.
        self.approve_changes_info.value = (
            f"<p style='color:#0b5394'>Изменения утверждены ({html.escape(self.rematch_order.value)}): "
            f"новых пар {counts['approved']}, сохранено {counts['kept']}, прекращено {counts['ended']}. "
            "Скачайте реестр пар.</p>"
        )
        return register
