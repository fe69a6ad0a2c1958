"""Step 1 of the «Сопровождение тандемов» page: open the register, or start it from a matching result.

:class:`RegisterSection` is a part of :class:`mentoring.ui.YearApp`: it makes
the widgets of «1. Реестр пар» and answers their buttons. It opens the sample
or an uploaded register (:func:`mentoring.load_register`, checked against the
district registry by :func:`mentoring.lifecycle.check_district`), approves the
pairs of an uploaded matching result by the order (:func:`mentoring.read_result`,
:func:`mentoring.approve`) into a new register or the open one, and reloads
the registry when another one is chosen.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as W

from matching.model import Registry
from matching.registry import load_registry
from mentoring.lifecycle import approve, check_district
from mentoring.register import Register
from mentoring.register_io import load_register
from mentoring.result_io import read_result
from mentoring.views import Names, default_day
from tandem.errors import InputError
from tandem.ui import button, date_picker, dropdown, heading, paragraph, text_input, upload


@contextmanager
def uploaded_path(widget: W.FileUpload) -> Iterator[Path | None]:
    """The first file of an upload widget saved in a temporary folder (``None`` when nothing is uploaded)."""
    if not widget.value:
        yield None
        return
    item = widget.value[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(item["name"]).name
        path.write_bytes(bytes(item["content"]))
        yield path


class RegisterSection:
    """«1. Реестр пар» of :class:`mentoring.ui.YearApp`: a part of the page, not a page of its own.

    Reads the page's ``registries``, ``sample_register``, ``today``, ``day``,
    ``register`` and calls its ``show``, ``_stale`` and ``_failed``; sets
    ``register``, ``registry``, ``names`` and ``error``.
    """

    def _build_register(self) -> None:
        # 1. The register.
        self.registry_choice = dropdown("Реестр педагогов:", list(self.registries), "680px")
        self.registry_upload = upload("Свой реестр педагогов (.xlsx)")
        self.register_upload = upload("Свой реестр пар (.xlsx)")
        self.sample_button = button("Открыть образец", "folder-open", "info")
        self.open_button = button("Открыть свой реестр пар", "folder-open")
        self.result_upload = upload("Результат подбора (.xlsx)")
        self.order = text_input("Основание:", "Приказ № 45 от 01.09.2026")
        self.start = date_picker("Начало программ:", None)
        self.end = date_picker("Окончание (пусто — 31 мая):", None, "360px")
        self.add_to_open = W.Checkbox(
            value=False,
            description="Добавить к открытому реестру пар (иначе — новый реестр)",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.approve_button = button("Утвердить пары", "check", "success")
        self.load_info = W.HTML()
        self.load_problems = W.HTML()
        self.sample_button.on_click(lambda _: self.open_sample())
        self.open_button.on_click(lambda _: self.open_uploaded())
        self.approve_button.on_click(lambda _: self.approve_result())
        self.registry_choice.observe(lambda _: self._registry_changed(), names="value")
        self.registry_upload.observe(lambda _: self._registry_changed(), names="value")

    def _register_children(self) -> list[W.Widget]:
        """Step 1 of the page: «Реестр пар»."""
        return [
            heading("1. Реестр пар"),
            paragraph(
                "Откройте образец или свой реестр пар (книга Excel с листами «Пары» и "
                "«Журнал»). Имена и школы берутся из реестра педагогов."
            ),
            W.HBox([self.registry_choice, self.registry_upload]),
            W.HBox([self.sample_button, self.register_upload, self.open_button]),
            paragraph(
                "<b>или начните реестр:</b> загрузите результат подбора пар "
                "(книгу со страницы «Формирование наставнических пар») и утвердите пары приказом.",
                "8px 0 0",
            ),
            W.HBox([self.result_upload, self.order]),
            W.HBox([self.start, self.end]),
            W.HBox([self.add_to_open, self.approve_button]),
            self.load_problems,
            self.load_info,
        ]

    def load_registry(self) -> Registry:
        """The uploaded registry, or the sample chosen in the dropdown."""
        with uploaded_path(self.registry_upload) as path:
            return load_registry(path or self.registries[self.registry_choice.value])

    def _opened(self, register: Register, registry: Registry, note: str) -> None:
        self.register, self.registry, self.names, self.error = register, registry, Names(registry), None
        self.load_problems.value = ""
        self._stale()
        day = default_day(register, self.day.value or self.today)
        if day != self.day.value:
            self.day.value = day  # redraws through the observer
        else:
            self.show()
        source = html.escape(registry.source or "")  # said last: the tables and links are new by then
        self.load_info.value = (
            f"<p style='font-size:15px'>{html.escape(note)} Реестр педагогов: «{source}».</p>"
        )

    def open_sample(self) -> Register | None:
        """Open the sample register with the chosen registry."""
        return self._open(self.sample_register, "Открыт образец реестра пар")

    def open_uploaded(self) -> Register | None:
        """Open the uploaded register with the chosen registry."""
        with uploaded_path(self.register_upload) as path:
            if path is None:
                self._failed(
                    InputError("загрузите реестр пар кнопкой «Свой реестр пар (.xlsx)»"), self.load_problems
                )
                return None
            return self._open(path, "Открыт реестр пар")

    def _open(self, path: Path, note: str) -> Register | None:
        try:
            registry = self.load_registry()
            register = load_register(path, today=self.today)
            check_district(register, registry.teachers["teacher_id"], registry.source)
        except InputError as exc:
            self._failed(exc, self.load_problems)
            return None
        self._opened(register, registry, f"{note} «{register.source}»: пар {len(register.pairs)}.")
        return register

    def approve_result(self) -> Register | None:
        """Approve the pairs of the uploaded matching result by the order (a new register, or the open one)."""
        try:
            with uploaded_path(self.result_upload) as path:
                if path is None:
                    raise InputError(
                        "загрузите книгу с результатом подбора кнопкой «Результат подбора (.xlsx)»"
                    )
                if self.start.value is None:
                    raise InputError("укажите дату начала программ")
                pairs, changes = read_result(path)
                name = path.name
            registry = self.load_registry()
            base = self.register if self.add_to_open.value and self.register is not None else None
            if base is not None:
                check_district(base, registry.teachers["teacher_id"], registry.source)
            t = registry.teachers
            register, counts = approve(
                base or Register(source="реестр_пар.xlsx"),
                pairs,
                order=self.order.value,
                start=self.start.value,
                end=self.end.value,
                experience=dict(zip(t["teacher_id"], t["experience_years"])),
                changes=changes,
                file=name,
                sheet="Тандемы",
            )
        except InputError as exc:
            self._failed(exc, self.load_problems)
            return None
        self.day.value = self.start.value
        self._opened(
            register,
            registry,
            f"Утверждено пар: {counts['approved']}; уже действовали: {counts['kept']}; "
            f"прекращено при смене наставника или снятии: {counts['ended']}.",
        )
        return register

    def _registry_changed(self) -> None:
        if self.register is None:
            return
        try:
            registry = self.load_registry()
        except InputError as exc:
            self._failed(exc, self.load_problems)
            return
        self.registry, self.names = registry, Names(registry)
        self._stale("Реестр педагогов")
        self.load_problems.value = ""
        self.show()
        self.load_info.value = f"<p>Реестр педагогов: «{html.escape(registry.source or '')}».</p>"
