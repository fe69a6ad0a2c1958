"""Steps 2 and 3 of the «Сопровождение тандемов» page: the register on a date, a pair's status changed.

:class:`StatusSection` is a part of :class:`mentoring.ui.YearApp`: it shows
the pairs in force on the chosen date, the counts by status and the log
(tables built by :mod:`mentoring.views`), keeps the register's download link
up to date (:func:`mentoring.write_register`), and changes the status of the
chosen pair (:func:`mentoring.change_status`).
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import ipywidgets as W

from mentoring.lifecycle import change_status
from mentoring.register import Register
from mentoring.register_io import write_register
from mentoring.views import (
    CHANGE_STATUSES,
    STATUS_COLORS,
    log_table,
    pair_choices,
    pairs_table,
    status_counts,
    summary_text,
    table_html,
)
from tandem.errors import InputError
from tandem.ui import XLSX_MIME, button, date_picker, download_link, dropdown, heading, paragraph, text_input


def register_bytes(register: Register, name: str = "реестр_пар.xlsx") -> bytes:
    """The register workbook (:func:`mentoring.write_register`) as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_register(register, Path(tmp) / Path(name).name).read_bytes()


class StatusSection:
    """«2. Пары на дату» and «3. Изменить статус пары» of :class:`mentoring.ui.YearApp`.

    Reads the page's ``today``, ``register``, ``names``, ``register_link`` and
    calls its ``_stale`` and ``_failed``; sets ``register`` and ``error`` on a
    change of status.
    """

    def _build_status(self) -> None:
        # 2. The register on a date.
        self.day = date_picker("Дата:", self.today, "260px")
        self.every_pair = W.Checkbox(
            value=False,
            description="Все пары года, не только действующие",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.summary = W.HTML()
        self.counts_view = W.HTML()
        self.pairs_view = W.HTML()
        self.log_view = W.HTML()
        self.tabs = W.Tab(children=[self.pairs_view, self.log_view])
        self.tabs.set_title(0, "Пары")
        self.tabs.set_title(1, "Журнал")
        self.day.observe(lambda _: self._day_changed(), names="value")
        self.every_pair.observe(lambda _: self.show(), names="value")

        # 3. Status change.
        self.pair_choice = dropdown("Пара:", [], "900px")
        self.status_choice = W.Dropdown(
            options=list(CHANGE_STATUSES), description="Новый статус:", style={"description_width": "initial"}
        )
        self.change_day = date_picker("Дата изменения:", self.today)
        self.new_end = date_picker("Новая дата окончания (для продления):", None, "420px")
        self.reason = text_input("Причина:", "обязательна для досрочного прекращения")
        self.basis = text_input("Основание:", "заявление, служебная записка куратора, приказ")
        self.change_button = button("Изменить статус", "pencil")
        self.change_info = W.HTML()
        self.change_button.on_click(lambda _: self.change())

    def _status_children(self) -> list[W.Widget]:
        """Steps 2 and 3 of the page: «Пары на дату», «Изменить статус пары»."""
        return [
            heading("2. Пары на дату"),
            W.HBox([self.day, self.every_pair]),
            self.summary,
            self.counts_view,
            self.tabs,
            heading("3. Изменить статус пары"),
            paragraph(
                "«Завершена» — программа выполнена; «прекращена досрочно» — нужна "
                "причина; «продлена» — укажите новую дату окончания (вся программа — не дольше 12 месяцев)."
            ),
            self.pair_choice,
            W.HBox([self.status_choice, self.change_day, self.new_end]),
            W.HBox([self.reason, self.basis]),
            W.HBox([self.change_button]),
            self.change_info,
        ]

    def _day_changed(self) -> None:
        if self.day.value is not None:
            self.change_day.value = self.day.value
        self.show()

    def show(self) -> None:
        """Redraw the tables, the choices and the register's download link."""
        reg, on = self.register, self.day.value or self.today
        if reg is None:
            return
        self.summary.value = f"<p style='font-size:15px'><b>{html.escape(summary_text(reg, on))}</b></p>"
        self.counts_view.value = table_html(status_counts(reg, on), height=200)
        self.pairs_view.value = table_html(
            pairs_table(reg, self.names, on, self.every_pair.value),
            wrap=("Форма", "Основание", "Причина"),
            shade="Статус",
            colors=STATUS_COLORS,
            empty=f"На {on:%d.%m.%Y} действующих пар нет.",
        )
        self.log_view.value = table_html(
            log_table(reg, self.names), wrap=("Было", "Стало", "Основание"), empty="Журнал пуст."
        )
        keep = self.pair_choice.value
        options = pair_choices(reg, self.names, on)
        self.pair_choice.options = options
        self.pair_choice.value = (
            keep if keep in [k for _, k in options] else (options[0][1] if options else None)
        )
        if self._linked is not reg:  # the workbook is written once per state of the register
            name = Path(reg.source or "реестр_пар.xlsx").name
            self.register_link.value = download_link(
                register_bytes(reg, name),
                name,
                f"Скачать реестр пар «{name}» (Excel)",
                XLSX_MIME,
                style="font-size:15px",
            )
            self._linked = reg

    def change(self) -> Register | None:
        """Change the status of the chosen pair; a refusal is shown in Russian, not raised."""
        self.change_info.value = ""
        try:
            if self.register is None or not self.pair_choice.value:
                raise InputError("выберите пару")
            if self.change_day.value is None:
                raise InputError("укажите дату изменения")
            mentee, mentor = self.pair_choice.value
            status = self.status_choice.value
            register = change_status(
                self.register,
                mentee,
                mentor,
                status,
                on=self.change_day.value,
                reason=self.reason.value,
                basis=self.basis.value,
                end=self.new_end.value if status == "продлена" else None,
            )
        except InputError as exc:
            self._failed(exc, self.change_info)
            return None
        self.register, self.error = register, None
        self._stale()
        self.show()
        self.change_info.value = (
            f"<p style='color:#0b5394'>Статус пары «{html.escape(self.names.person(mentee))}» – "
            f"«{html.escape(self.names.person(mentor))}»: {html.escape(status)} "
            f"(с {self.change_day.value:%d.%m.%Y}). Запись добавлена в журнал; скачайте реестр пар.</p>"
        )
        return register
