"""PDF reports (samsyn/lib/pdf.py): safe file names, and no fetch beyond our own static files."""

from __future__ import annotations

import socket

import pytest
from django.templatetags.static import static
from django.test import RequestFactory, override_settings

from samsyn.lib import pdf

PAGE = """<html><body><h1>Sjöviks skola</h1>
<img src="http://example.org/x.png" alt="">
<img src="https://example.org/y.png" alt="">
<link rel="stylesheet" href="http://example.org/style.css">
<img src="file:///etc/passwd" alt="">
<img src="{% load static %}{% static 'favicon.svg' %}" alt="">
<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=" alt="">
</body></html>"""

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [("django.template.loaders.locmem.Loader", {"report.html": PAGE})],
        },
    }
]


class RecordingFetcher(pdf.LocalFetcher):
    """The report's fetcher, recording every URL WeasyPrint asks for and what came of it."""

    calls: list[tuple[str, str]] = []

    def __call__(self, url: str):
        try:
            response = super().__call__(url)
        except pdf.RefusedURLError:
            self.calls.append((url, "refused"))
            raise
        self.calls.append((url, "served"))
        return response


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection or resolve a name, recorded and refused."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("the tests have no network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@override_settings(TEMPLATES=TEMPLATES)
def test_a_report_fetches_no_remote_url(monkeypatch, no_network):
    RecordingFetcher.calls = []
    monkeypatch.setattr(pdf, "LocalFetcher", RecordingFetcher)
    request = RequestFactory().get("/report.pdf")

    out = pdf.render_pdf(request, "report.html", {})

    assert out.startswith(b"%PDF")
    assert no_network == []  # no name looked up, no connection opened
    outcome = dict(RecordingFetcher.calls)
    assert outcome["http://example.org/x.png"] == "refused"
    assert outcome["https://example.org/y.png"] == "refused"
    assert outcome["http://example.org/style.css"] == "refused"
    assert outcome["file:///etc/passwd"] == "refused"
    assert outcome["http://testserver" + static("favicon.svg")] == "served"  # from disk
    assert [url for url, what in RecordingFetcher.calls if url.startswith("data:")]
    assert all(what == "served" for url, what in RecordingFetcher.calls if url.startswith("data:"))


def test_the_fetcher_serves_only_our_static_files_from_our_origin():
    fetch = pdf.LocalFetcher("http://testserver/")
    assert fetch("http://testserver/static/favicon.svg").read().startswith(b"<svg")
    for url in [
        "http://testserver/static/../samsyn/settings.py",
        "http://testserver/static/%2e%2e/samsyn/settings.py",
        "http://testserver/static/no-such-file.css",
        "http://testserver/admin/",
        "http://example.org/static/favicon.svg",  # our path on another host
        "https://testserver/static/favicon.svg",  # another origin
        "ftp://testserver/static/favicon.svg",
    ]:
        with pytest.raises(pdf.RefusedURLError):
            fetch(url)


def test_without_a_base_no_static_file_is_served():
    with pytest.raises(pdf.RefusedURLError):
        pdf.LocalFetcher(None)("http://testserver/static/favicon.svg")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("peer-review-2025-3.pdf", 'attachment; filename="peer-review-2025-3.pdf"'),
        (
            "Sjöviks skola.pdf",
            "attachment; filename=\"Sjoviks skola.pdf\"; filename*=UTF-8''Sj%C3%B6viks%20skola.pdf",
        ),
        (
            "Ås, Älvdal och Öby.pdf",
            'attachment; filename="As, Alvdal och Oby.pdf"; '
            "filename*=UTF-8''%C3%85s%2C%20%C3%84lvdal%20och%20%C3%96by.pdf",
        ),
        (
            'the "best" plan.pdf',
            "attachment; filename=\"the _best_ plan.pdf\"; filename*=UTF-8''the%20%22best%22%20plan.pdf",
        ),
        (
            "a\r\nSet-Cookie: x=1.pdf",
            'attachment; filename="a__Set-Cookie: x=1.pdf"',
        ),
        ("../../etc/passwd", 'attachment; filename=".._.._etc_passwd"'),
    ],
)
def test_content_disposition(filename, expected):
    assert pdf.content_disposition(filename) == expected


def test_pdf_response_is_an_attachment_or_inline():
    response = pdf.pdf_response(b"%PDF-1.7", "Sjöviks.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7"
    assert response["Content-Disposition"].startswith('attachment; filename="Sjoviks.pdf"; ')
    inline = pdf.pdf_response(b"%PDF-1.7", "report.pdf", inline=True)
    assert inline["Content-Disposition"] == 'inline; filename="report.pdf"'
