"""The settings of the «Формирование наставнических пар» page, made when first opened.

Weights of the score components, hard constraints and the objective
(:class:`matching.config.MatchConfig`) as sliders, check boxes and a list in
one accordion section, closed at start: the page then opens with some twenty
widgets fewer. Until the section is opened (or a widget is asked for from
Python) the settings are those of ``MatchConfig()``.
"""

from __future__ import annotations

from dataclasses import asdict

import ipywidgets as W

from matching.config import (
    COMPONENT_LABELS,
    COMPONENTS,
    OBJECTIVE_LABELS,
    OBJECTIVES,
    MatchConfig,
    config_from_dict,
)

_HINTS = {
    "coverage": "Доля дефицитов наставляемого, которые закрывают сильные стороны наставника",
    "subject": "Наставник ведёт тот же предмет",
    "experience": "Наставник опытнее (полный балл при разнице 10 лет)",
    "category": "Квалификационная категория наставника",
    "cluster": "Школа наставника с более высокими результатами (ШНОР → ШСОР → ШВОР)",
    "distance": "Близость школ для очного и смешанного формата",
    "preference": "Наставляемый сам назвал этого наставника",
    "network": "Наставник из другой школы (сетевое наставничество)",
}

SETTINGS_TITLE = "Настройки подбора: веса, жёсткие условия, цель"


def setting_defaults() -> dict:
    """The settings of the page before they are changed: those of ``MatchConfig()``.

    Returns
    -------
    dict
        ``weights`` (component → float), ``require_subject_match``,
        ``require_relevance``, ``allow_same_school`` (bool), ``max_distance``
        (int km, 0: no limit), ``objective`` (str).
    """
    d = MatchConfig()
    return {
        "weights": {c: float(getattr(d.weights, c)) for c in COMPONENTS},
        "require_subject_match": bool(d.constraints.require_subject_match),
        "require_relevance": bool(d.constraints.require_relevance),
        "allow_same_school": bool(d.constraints.allow_same_school),
        "max_distance": int(d.constraints.max_distance_km or 0),
        "objective": d.objective,
    }


class SettingsPanel:
    """The settings section: an accordion whose widgets are made on first use.

    Attributes
    ----------
    accordion : ipywidgets.Accordion
        The section shown in the page (``selected_index`` None while closed).
    built : bool
        Whether the widgets exist yet.
    """

    def __init__(self):
        self._widgets: dict | None = None
        self._box = W.VBox()
        self.accordion = W.Accordion(children=[self._box], titles=(SETTINGS_TITLE,), selected_index=None)
        self.accordion.observe(lambda _: self.widgets(), names="selected_index")

    @property
    def built(self) -> bool:
        """Whether the widgets exist yet."""
        return self._widgets is not None

    def widgets(self) -> dict:
        """The widgets, made once (on first use) and shown in the section.

        Returns
        -------
        dict
            ``sliders`` (component → ``FloatSlider``), ``subject_required``,
            ``relevance_required``, ``same_school`` (``Checkbox``),
            ``max_distance`` (``IntSlider``, km, 0: no limit),
            ``objective_choice`` (``Dropdown`` of :data:`matching.config.OBJECTIVES`).
        """
        if self._widgets is not None:
            return self._widgets
        v = setting_defaults()
        sliders = {
            c: W.FloatSlider(
                value=v["weights"][c],
                min=0,
                max=1,
                step=0.05,
                description=COMPONENT_LABELS[c],
                tooltip=_HINTS[c],
                readout_format=".2f",
                style={"description_width": "220px"},
                layout=W.Layout(width="520px"),
            )
            for c in COMPONENTS
        }

        def check(value, text):
            return W.Checkbox(value=value, description=text, indent=False, layout=W.Layout(width="auto"))

        self._widgets = {
            "sliders": sliders,
            "subject_required": check(v["require_subject_match"], "Только наставники по тому же предмету"),
            "relevance_required": check(
                v["require_relevance"], "Наставник закрывает хотя бы один дефицит или ведёт тот же предмет"
            ),
            "same_school": check(v["allow_same_school"], "Можно назначать наставника из той же школы"),
            "max_distance": W.IntSlider(
                value=v["max_distance"], min=0, max=200, step=5, layout=W.Layout(width="420px")
            ),
            "objective_choice": W.Dropdown(
                options=[(OBJECTIVE_LABELS[o], o) for o in OBJECTIVES],
                value=v["objective"],
                description="Цель подбора:",
                style={"description_width": "initial"},
                layout=W.Layout(width="auto"),
            ),
        }
        st = self._widgets
        self._box.children = [
            W.HBox(
                [
                    W.VBox(
                        [
                            W.HTML("<b>Веса составляющих балла пары</b> (наведите указатель — пояснение)"),
                            *sliders.values(),
                        ]
                    ),
                    W.VBox(
                        [
                            W.HTML("<b>Жёсткие условия</b>"),
                            st["subject_required"],
                            st["relevance_required"],
                            st["same_school"],
                            W.HTML(
                                "Наибольшее расстояние между школами для очного формата, км (0 — без предела):"
                            ),
                            st["max_distance"],
                        ]
                    ),
                ]
            ),
            st["objective_choice"],
        ]
        return st

    def values(self) -> dict:
        """The settings as chosen: the widgets' values, or :func:`setting_defaults` before they exist."""
        if self._widgets is None:
            return setting_defaults()
        st = self._widgets
        return {
            "weights": {c: float(s.value) for c, s in st["sliders"].items()},
            "require_subject_match": bool(st["subject_required"].value),
            "require_relevance": bool(st["relevance_required"].value),
            "allow_same_school": bool(st["same_school"].value),
            "max_distance": int(st["max_distance"].value),
            "objective": st["objective_choice"].value,
        }

    def config(self) -> MatchConfig:
        """The :class:`MatchConfig` of :meth:`values`."""
        v = self.values()
        dist = v["max_distance"]
        return config_from_dict(
            {
                "weights": v["weights"],
                "constraints": {
                    "require_subject_match": v["require_subject_match"],
                    "require_relevance": v["require_relevance"],
                    "allow_same_school": v["allow_same_school"],
                    "max_distance_km": float(dist) if dist > 0 else None,
                },
                "scales": asdict(MatchConfig().scales),
                "objective": v["objective"],
            }
        )
