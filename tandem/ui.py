"""Small pieces shared by the notebook pages (Jupyter, Voilà).

:func:`download_link` is HTML text that every page puts into its own
``ipywidgets.HTML``. The widget factories below (:func:`button`,
:func:`upload`, :func:`dropdown`, :func:`date_picker`, :func:`text_input`,
:func:`heading`, :func:`paragraph`) give the pages of :mod:`mentoring` one
look: labels in full (``description_width: initial``), buttons as wide as
their text.
"""

from __future__ import annotations

import base64
import datetime as dt
import html

import ipywidgets as W

#: MIME type of an .xlsx workbook.
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(
    content: bytes,
    filename: str,
    label: str,
    mime: str = "application/octet-stream",
    style: str = "font-weight:bold",
) -> str:
    """An HTML link that downloads ``content`` as ``filename``.

    The bytes travel in a ``data:`` URI, so the link works in JupyterLab and
    in Voilà without a server route.

    Parameters
    ----------
    content : bytes
        The file's bytes.
    filename : str
        Name the browser saves the file under (HTML-escaped).
    label : str
        Link text shown after «⬇» (HTML-escaped).
    mime : str
        MIME type of the file, e.g. :data:`XLSX_MIME`.
    style : str
        CSS of the link.

    Returns
    -------
    str
        One ``<a download=…>`` element.
    """
    b64 = base64.b64encode(content).decode("ascii")
    return (
        f'<a download="{html.escape(filename)}" href="data:{mime};base64,{b64}" '
        f'style="{html.escape(style)}">⬇ {html.escape(label)}</a>'
    )


#: MIME type of a .docx document.
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- widget factories ---------------------------------------------------------------------------


def button(text: str, icon: str, style: str = "primary") -> W.Button:
    """A button as wide as its text; ``icon`` is a Font Awesome name, ``style`` a ``button_style``."""
    return W.Button(description=text, icon=icon, button_style=style, layout=W.Layout(width="auto"))


def upload(text: str, multiple: bool = False, accept: str = ".xlsx") -> W.FileUpload:
    """A file upload button; ``accept`` is the comma-separated list of extensions offered."""
    return W.FileUpload(accept=accept, multiple=multiple, description=text, layout=W.Layout(width="auto"))


def dropdown(text: str, options, width: str = "560px") -> W.Dropdown:
    """A labelled list; ``options`` as ``ipywidgets.Dropdown`` takes them (labels, or label–value pairs)."""
    return W.Dropdown(
        options=options,
        description=text,
        style={"description_width": "initial"},
        layout=W.Layout(width=width),
    )


def date_picker(text: str, value: dt.date | None, width: str = "300px") -> W.DatePicker:
    """A labelled date field (``value`` None: empty)."""
    return W.DatePicker(
        value=value, description=text, style={"description_width": "initial"}, layout=W.Layout(width=width)
    )


def text_input(text: str, placeholder: str, width: str = "560px") -> W.Text:
    """A labelled one-line text field with a grey hint while empty."""
    return W.Text(
        description=text,
        placeholder=placeholder,
        style={"description_width": "initial"},
        layout=W.Layout(width=width),
    )


def heading(text: str) -> W.HTML:
    """The title of a step of a page (HTML-escaped)."""
    return W.HTML(f"<h2 style='margin:14px 0 4px'>{html.escape(text)}</h2>")


def paragraph(markup: str, margin: str = "0") -> W.HTML:
    """A paragraph of explanation; ``markup`` is HTML (not escaped), ``margin`` CSS."""
    return W.HTML(f"<p style='margin:{margin}'>{markup}</p>")
