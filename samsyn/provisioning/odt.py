"""A small OpenDocument text writer (.odt): headings, paragraphs, lists and tables.

Standard library only (zipfile + XML). The files open for editing in LibreOffice, Microsoft
Word and Google Docs. A document is a list of blocks:
("h", level, text), ("p", text), ("ul", [text, …]), ("table", [header…], [[cell…], …]).
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.text"
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
STYLES = """<office:automatic-styles>
<style:style style:name="Draft" style:family="paragraph"><style:paragraph-properties fo:background-color="#fff3c4" fo:padding="0.2cm" fo:border="0.5pt solid #b58900"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.1cm"/></style:style>
<style:style style:name="Head" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>"""
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _p(text: str, style: str = "") -> str:
    attr = f' text:style-name="{style}"' if style else ""
    return f"<text:p{attr}>{escape(str(text))}</text:p>"


def _block(block: tuple) -> str:
    kind = block[0]
    if kind == "h":
        level, text = block[1], block[2]
        return f'<text:h text:outline-level="{level}">{escape(str(text))}</text:h>'
    if kind == "p":
        return _p(block[1])
    if kind == "draft":
        return _p(block[1], "Draft")
    if kind == "ul":
        items = "".join(f"<text:list-item>{_p(item)}</text:list-item>" for item in block[1])
        return f"<text:list>{items}</text:list>"
    if kind == "table":
        header, rows = block[1], block[2]
        cols = f'<table:table-column table:number-columns-repeated="{len(header)}"/>'

        def row(cells, style=""):
            inner = "".join(
                f'<table:table-cell table:style-name="Cell" office:value-type="string">'
                f"{_p(cell, style)}</table:table-cell>"
                for cell in cells
            )
            return f"<table:table-row>{inner}</table:table-row>"

        body = row(header, "Head") + "".join(row(r) for r in rows)
        return f"<table:table>{cols}{body}</table:table>"
    raise ValueError(f"unknown block {kind!r}")


def document(title: str, blocks: list[tuple], language: str = "sv") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} '
        f'office:version="1.2">{STYLES}<office:body><office:text>'
        + "".join(_block(b) for b in blocks)
        + "</office:text></office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NS} office:version="1.2">'
        f"<office:meta><dc:title>{escape(title)}</dc:title>"
        f"<dc:language>{language}</dc:language></office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # The mimetype comes first and uncompressed, as ODF requires.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
