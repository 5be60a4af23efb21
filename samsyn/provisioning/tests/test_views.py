"""The import pages: upload → dry run → save; the API reader against a local SS 12000 server;
access (outsider 404, wrong role 403, another owner's run 404)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import Membership, Organisation, User
from samsyn.provisioning import generate
from samsyn.provisioning.models import ImportRun
from samsyn.test import BaseTestCase

TOKEN = "local-test-token"


class Ss12000Server:
    """A small SS 12000 API on 127.0.0.1: bearer token, pages of two (`pageToken`)."""

    def __init__(self, export: dict, page_size: int = 2) -> None:
        self.export = export
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_response(403)
                    self.end_headers()
                    return
                url = urlparse(self.path)
                items = outer.export.get(url.path.rsplit("/", 1)[-1])
                if items is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                start = int(parse_qs(url.query).get("pageToken", ["0"])[0])
                body = {"data": items[start : start + page_size]}
                if start + page_size < len(items):
                    body["pageToken"] = str(start + page_size)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ss12000/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Ss12000Server:
        # The server runs on 127.0.0.1, which samsyn.lib.outbound refuses unless allowed.
        self.allow_loopback = override_settings(SAMSYN_ALLOW_PRIVATE_URLS=True)
        self.allow_loopback.enable()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.allow_loopback.disable()


class ImportPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.export = generate.export(schools=2, staff=9, domain="views.example")
        self.url = reverse("provisioning:import", args=[self.owner.pk])

    def upload(self, export: dict, name: str = "export.json"):
        content = json.dumps(export).encode() if isinstance(export, dict) else export
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, content)})

    def test_upload_shows_the_dry_run_then_saves(self):
        self.login(self.olle)
        response = self.upload(self.export)
        run = ImportRun.objects.get(owner=self.owner)
        self.assertRedirects(response, reverse("provisioning:run", args=[self.owner.pk, run.pk]))
        self.assertEqual(run.status, ImportRun.Status.PREVIEW)
        self.assertEqual(run.summary["people_new"], 9)
        self.assertFalse(User.objects.filter(email__endswith="views.example").exists())
        page = self.client.get(response.url)
        self.assertContains(page, 'data-key="schools_new">2<')
        self.assertContains(page, "Nya skolor: 2 · nya personer: 9 · avslutade tjänstgöringar: 0")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("provisioning:run_save", args=[self.owner.pk, run.pk]))
        run.refresh_from_db()
        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertEqual(run.payload, {})
        self.assertEqual(User.objects.filter(email__endswith="views.example").count(), 9)
        # Saving twice does nothing more.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("provisioning:run_save", args=[self.owner.pk, run.pk]))
        self.assertEqual(User.objects.filter(email__endswith="views.example").count(), 9)

    def test_the_page_speaks_english_under_en(self):
        self.olle.language = "en"
        self.olle.save()
        self.login(self.olle)
        page = self.client.get(f"/en{self.url}")
        self.assertContains(page, "Import schools and staff to Testkommun")
        self.assertContains(page, "never civic numbers")

    def test_bad_records_are_listed_on_the_page(self):
        self.export["duties"][3]["dutyRole"] = "Kock?"
        self.login(self.olle)
        page = self.client.get(self.upload(self.export).url)
        self.assertContains(page, self.export["duties"][3]["id"])
        self.assertContains(page, "Okänd tjänstgöringsroll")

    def test_a_file_that_is_not_json_is_a_problem_not_an_error(self):
        self.login(self.olle)
        page = self.client.get(self.upload(b"{not json", "x.json").url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "inte en SS 12000-export")
        self.assertNotContains(page, "Spara ändringarna")

    def test_the_csv_template_downloads_and_imports(self):
        self.login(self.olle)
        template = self.client.get(reverse("provisioning:csv_template", args=[self.owner.pk]))
        self.assertEqual(template["Content-Type"], "text/csv; charset=utf-8")
        self.upload(template.content, "mall.csv")
        run = ImportRun.objects.get(owner=self.owner)
        self.assertEqual((run.source, run.summary["people_new"]), ("csv", 2))

    def test_the_api_is_read_page_by_page(self):
        self.login(self.olle)
        with Ss12000Server(self.export) as server, self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {"base_url": server.url, "token": TOKEN})
        run = ImportRun.objects.get(owner=self.owner)
        self.assertRedirects(response, reverse("provisioning:run", args=[self.owner.pk, run.pk]))
        self.assertEqual(run.status, ImportRun.Status.PREVIEW, run.error)
        self.assertEqual(run.summary["people_new"], 9)
        self.assertEqual(run.summary["details_filled"], 7)
        self.assertTrue(any("pageToken=2" in path for path in server.requests))
        self.assertNotIn(TOKEN, json.dumps([run.payload, run.source_label, run.error]))

    def test_a_refused_token_fails_the_run_and_saves_nothing(self):
        self.login(self.olle)
        with Ss12000Server(self.export) as server, self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"base_url": server.url, "token": "wrong"})
        run = ImportRun.objects.get(owner=self.owner)
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn("403", run.error)
        page = self.client.get(reverse("provisioning:run", args=[self.owner.pk, run.pk]))
        self.assertNotContains(page, "Spara ändringarna")

    def test_progress_is_polled_while_busy(self):
        run = ImportRun.objects.create(
            owner=self.owner,
            source=ImportRun.Source.API,
            status=ImportRun.Status.READING,
            progress_label="read:persons",
            progress_done=500,
        )
        self.login(self.olle)
        url = reverse("provisioning:run_progress", args=[self.owner.pk, run.pk])
        fragment = self.client.get(url)
        self.assertContains(fragment, 'hx-trigger="every 2s"')
        self.assertContains(fragment, "500")
        self.assertNotIn("HX-Refresh", fragment)
        run.status = ImportRun.Status.PREVIEW
        run.save()
        self.assertEqual(self.client.get(url)["HX-Refresh"], "true")

    def test_another_owners_run_is_not_found(self):
        run = ImportRun.objects.create(owner=self.other_owner, source=ImportRun.Source.FILE)
        self.login(self.olle)
        url = reverse("provisioning:run", args=[self.owner.pk, run.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_principal_cannot_import_and_an_outsider_gets_404(self):
        self.login(self.pia)
        self.assertEqual(self.upload(self.export).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.upload(self.export).status_code, 404)
        self.assertFalse(ImportRun.objects.exists())
        school_url = reverse("provisioning:import", args=[self.school.pk])
        self.login(self.olle)
        self.assertEqual(self.client.get(school_url).status_code, 404)  # not an owner

    def test_a_new_run_replaces_an_unsaved_one(self):
        self.login(self.olle)
        self.upload(self.export)
        first = ImportRun.objects.get()
        self.upload(self.export)
        first.refresh_from_db()
        self.assertEqual((first.status, first.payload), (ImportRun.Status.FAILED, {}))
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("provisioning:run_save", args=[self.owner.pk, first.pk]))
        self.assertFalse(Membership.objects.filter(organisation__unit_code="90000001").exists())
        self.assertFalse(Organisation.objects.filter(unit_code="90000001").exists())


class CommandApiTests(BaseTestCase):
    def test_the_command_reads_the_api_with_the_token_from_the_environment(self):
        import os
        from io import StringIO

        from django.core.management import call_command

        export = generate.export(schools=1, staff=5, domain="cmdapi.example")
        out = StringIO()
        os.environ["SS12000_TEST_TOKEN"] = TOKEN
        try:
            with Ss12000Server(export) as server:
                call_command(
                    "ss12000_import",
                    str(self.owner.pk),
                    "--api",
                    server.url,
                    "--token-env",
                    "SS12000_TEST_TOKEN",
                    "--save",
                    stdout=out,
                )
        finally:
            del os.environ["SS12000_TEST_TOKEN"]
        self.assertIn("people new: 5", out.getvalue())
        self.assertEqual(User.objects.filter(email__endswith="cmdapi.example").count(), 5)
