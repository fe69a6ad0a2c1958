"""Small pieces shared by the notebook pages (Jupyter, Voilà).

Only HTML text here, no widgets: the pages of :mod:`matching.ui` and
:mod:`contest.ui` put it into their own ``ipywidgets.HTML``.
"""

from __future__ import annotations

import base64
import html

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
