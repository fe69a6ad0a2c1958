"""Word documents from editable templates: docxtpl rendering with stable bytes.

A template is a .docx a methodologist or an organizer may edit in Word, with
Jinja tags (docxtpl). :class:`Renderer` fills one template many times,
keeping its parsed tags and compiled Jinja between renders; every result is
re-zipped with fixed timestamps (:func:`stable_zip`), so the same input gives
the same bytes; the re-zip deflates at level 1 (the parts are small XML, and
a thousand programmes spent a third of their time compressing twice).
Broken tags and missing or non-Word templates become a Russian
:class:`~tandem.errors.InputError` naming the template file.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from tandem.errors import InputError, Issue

#: Timestamp written into every zip member (documents, archives): fixed, for stable bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def template_bytes(path: str | os.PathLike, what: str = "шаблон Word") -> bytes:
    """The bytes of a .docx template.

    Raises
    ------
    InputError
        The file is missing («нет шаблона …») or is not a Word .docx.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(
            Issue(
                f"нет {what.replace('шаблон', 'шаблона', 1)} «{path.name}» в папке «{path.parent}»",
                file=path.name,
            )
        ) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(Issue(f"{what} должен быть документом Word .docx", file=path.name))
    return data


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps, so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(item.filename), compresslevel=1)
    return out.getvalue()


class _Environment(jinja2.Environment):
    """A Jinja environment that compiles each template text once (docxtpl compiles on every render)."""

    def __init__(self):
        super().__init__(autoescape=True)
        self.compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self.compiled:
            self.compiled[source] = super().from_string(source)
        return self.compiled[source]


class _Template(DocxTemplate):
    """A docxtpl template whose tag clean-up (a pure text transformation) is remembered per text."""

    def __init__(self, data: bytes, patched: dict[str, str]):
        super().__init__(io.BytesIO(data))
        self._patched = patched

    def patch_xml(self, src_xml):
        if src_xml not in self._patched:
            self._patched[src_xml] = super().patch_xml(src_xml)
        return self._patched[src_xml]


class Renderer:
    """Renders one Word template many times (the parsed tags and compiled Jinja kept between renders)."""

    def __init__(self, template: bytes, name: str = "шаблон"):
        self.template, self.name = template, name
        self.env, self.patched = _Environment(), {}

    def __call__(self, context: dict, images: dict[str, tuple[bytes, float]] | None = None) -> bytes:
        """The .docx bytes of the template filled with ``context`` (see :func:`render_docx`).

        ``images`` maps a tag name to (PNG bytes, width in mm): the tag gets
        the picture inline; an empty PNG gives an empty tag.
        """
        doc = _Template(self.template, self.patched)
        context = dict(context)
        for key, (png, width_mm) in (images or {}).items():
            context[key] = InlineImage(doc, io.BytesIO(png), width=Mm(width_mm)) if png else ""
        try:
            doc.render(context, jinja_env=self.env, autoescape=True)
        except jinja2.TemplateError as e:
            raise InputError(Issue(f"ошибка в тегах шаблона: {e}", file=self.name)) from None
        buf = io.BytesIO()
        doc.save(buf)
        return stable_zip(buf.getvalue())


def render_docx(
    template: bytes, context: dict, name: str = "шаблон", images: dict[str, tuple[bytes, float]] | None = None
) -> bytes:
    """Fill a docxtpl template with ``context`` (and ``images``, see :class:`Renderer`); the .docx bytes.

    Raises
    ------
    InputError
        The template's Jinja tags are broken (e.g. after editing in Word),
        naming the template file.
    """
    return Renderer(template, name)(context, images)


def zip_members(members: dict[str, bytes]) -> bytes:
    """A zip archive of ``name → bytes`` in the given order, with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=1)
    return buf.getvalue()
