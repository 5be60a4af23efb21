"""The Kolada v3 client against recorded responses: no network at all."""

from __future__ import annotations

import email.message
import io
import json
import urllib.error
from decimal import Decimal
from pathlib import Path

import pytest

from samsyn.indicators import services
from samsyn.indicators.kolada import KoladaClient, KoladaError, chunks
from samsyn.indicators.models import StatValue
from samsyn.indicators.tasks import catalogue_kpis, kolada_refresh_now
from samsyn.test import BaseTestCase

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://kolada.test/v3/"
PAGE1 = BASE + "data/kpi/N15504,N15505/municipality/1384,1383/year/2023,2024?per_page=5000"
PAGE2 = PAGE1 + "&page=2"


class Recorded:
    """An `urlopen` stand-in: URL → recorded JSON file, or a list of responses to give in turn."""

    def __init__(self, routes: dict):
        self.routes = routes
        self.calls: list[tuple[str, float]] = []

    def __call__(self, request, timeout):
        url = request.full_url
        self.calls.append((url, timeout))
        answer = self.routes.get(url, "*" in self.routes and self.routes["*"])
        if isinstance(answer, list):
            answer = answer.pop(0)
        if isinstance(answer, urllib.error.HTTPError):
            raise answer
        if answer is False or answer is None:
            raise AssertionError(f"unexpected request {url}")
        return io.BytesIO((FIXTURES / answer).read_bytes())


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def too_many(retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = email.message.Message()
    if retry_after:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError(PAGE1, 429, "Too Many Requests", headers, io.BytesIO(b""))


def client(routes, clock=None):
    clock = clock or FakeClock()
    return KoladaClient(BASE, opener=Recorded(routes), sleep=clock.sleep, clock=clock.clock), clock


def test_it_follows_next_url_and_keeps_nulls_missing():
    kolada, _clock = client({PAGE1: "kolada_page1.json", PAGE2: "kolada_page2.json"})
    values = list(kolada.values(["N15504", "N15505"], ["1384", "1383"], [2023, 2024]))
    got = {(v.kpi, v.municipality, v.year, v.gender): (v.value, v.status) for v in values}
    assert got[("N15504", "1384", 2023, "K")] == (Decimal("252.9"), "")
    assert got[("N15504", "1383", 2024, "T")] == (Decimal("229.4"), "")  # period as a string
    assert got[("N15505", "1384", 2024, "T")] == (None, "Missing")  # null stays missing
    assert ("N15505", "1383", 2024, "T") not in got  # a deleted row
    assert ("N15505", "1383", 2023, "K") not in got  # a deleted value
    assert len(values) == 7
    assert [url for url, _t in kolada.opener.calls] == [PAGE1, PAGE2]
    assert all(timeout == 30 for _url, timeout in kolada.opener.calls)


def test_it_cuts_long_lists_into_segments_of_25():
    codes = [f"{i:04d}" for i in range(1, 31)]
    assert [len(c) for c in chunks(codes)] == [25, 5]
    kolada, _clock = client({"*": "kolada_group.json"})
    list(kolada.values(["N15504"], codes, [2024]))
    urls = [url for url, _t in kolada.opener.calls]
    assert len(urls) == 2
    assert ",".join(codes[:25]) in urls[0] and ",".join(codes[25:]) in urls[1]
    for url in urls:
        listed = url.split("/municipality/")[1].split("/")[0].split(",")
        assert len(listed) <= 25


def test_it_throttles_to_about_five_requests_a_second():
    kolada, clock = client({"*": "kolada_group.json"})
    for _ in range(4):
        kolada.get_json(PAGE1)
    # The fake clock stands still between requests, so each later one waits the full interval.
    assert clock.sleeps == [pytest.approx(0.2)] * 3


def test_it_retries_429_with_backoff_and_retry_after():
    kolada, clock = client({PAGE1: [too_many(), too_many("3"), "kolada_group.json"]})
    page = kolada.get_json(PAGE1)
    assert page["count"] == 1
    waits = [s for s in clock.sleeps if s != pytest.approx(0.2)]
    assert waits == [1.0, 3.0]  # 2**0 backoff, then the server's Retry-After
    assert kolada.requests == 3


def test_it_gives_up_after_repeated_429_and_on_other_errors():
    kolada, _clock = client({PAGE1: [too_many()] * 6})
    with pytest.raises(KoladaError, match="429"):
        kolada.get_json(PAGE1)
    server_error = urllib.error.HTTPError(PAGE1, 500, "Oops", email.message.Message(), None)
    kolada, _clock = client({PAGE1: [server_error]})
    with pytest.raises(KoladaError, match="500"):
        kolada.get_json(PAGE1)


def test_it_fetches_http_addresses_only():
    kolada, _clock = client({})
    for url in ("file:///etc/passwd", "ftp://example.org/x"):
        with pytest.raises(KoladaError, match="http"):
            kolada.get_json(url)


def test_the_base_url_comes_from_the_settings(settings):
    settings.KOLADA_BASE_URL = "https://mirror.example/kolada/v3"
    assert KoladaClient().base_url == "https://mirror.example/kolada/v3/"


def test_a_group_id_in_the_municipality_position_is_kept():
    kolada, _clock = client({"*": "kolada_group.json"})
    (value,) = kolada.values(["N15504"], ["G35973"], [2024])
    assert (value.municipality, value.value) == ("G35973", Decimal("244.6"))


def test_fixtures_have_kolada_v3_shape():
    for name in ("kolada_page1.json", "kolada_page2.json", "kolada_group.json"):
        page = json.loads((FIXTURES / name).read_text())
        assert {"count", "values"} <= set(page)
        for row in page["values"]:
            assert {"kpi", "municipality", "period", "values"} <= set(row)


class KoladaStoreTests(BaseTestCase):
    def test_the_refresh_stores_values_once_and_nulls_as_missing(self):
        routes = {"*": "kolada_page2.json", PAGE1: "kolada_page1.json"}
        clock = FakeClock()
        kolada = KoladaClient(BASE, opener=Recorded(routes), sleep=clock.sleep, clock=clock.clock)
        values = list(kolada.values(["N15504", "N15505"], ["1384", "1383"], [2023, 2024]))
        first = services.kolada_store(values=values, name="test")
        self.assertEqual((first.created, first.updated), (7, 0))
        missing = StatValue.objects.get(measure="N15505", municipality_code="1384", year=2024)
        self.assertEqual((missing.value, missing.status), (None, "Missing"))
        again = services.kolada_store(values=values, name="test")
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 7))

    def test_the_task_fetches_every_catalogue_kpi(self):
        kpis = catalogue_kpis()
        self.assertIn("N15504", kpis)
        self.assertIn("N15435", kpis)
        self.assertEqual(len(kpis), 30)  # the 30 KPIs of INDICATORS.md's table
        recorded = Recorded({"*": "kolada_group.json"})
        clock = FakeClock()
        kolada = KoladaClient(BASE, opener=recorded, sleep=clock.sleep, clock=clock.clock)
        result = kolada_refresh_now(municipalities=["1384"], years=[2024], client=kolada)
        self.assertEqual(len(recorded.calls), 2)  # 30 KPIs → segments of 25 and 5
        self.assertEqual(result.created, 1)


class KoladaPageTests(BaseTestCase):
    """The import page's button enqueues the refresh; with the inline backend it runs at once
    against the recorded responses (urlopen is replaced: no network)."""

    def test_a_platform_admin_fetches_from_kolada(self):
        from unittest import mock

        from django.urls import reverse

        recorded = Recorded({"*": "kolada_group.json"})
        self.login(self.adam)
        with (
            mock.patch("samsyn.indicators.kolada.urllib.request.urlopen", recorded),
            mock.patch("samsyn.indicators.kolada.time.sleep"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(
                reverse("indicators:kolada_fetch"),
                {"municipalities": "1384, 1383", "first_year": 2023, "last_year": 2024},
            )
        self.assertRedirects(response, reverse("indicators:import"))
        self.assertEqual(len(recorded.calls), 2)  # 30 KPIs in segments of 25 and 5
        self.assertIn("/municipality/1384,1383/year/2023,2024", recorded.calls[0][0])
        self.assertTrue(StatValue.objects.filter(source="kolada", measure="N15504").exists())

    def test_a_failing_kolada_does_not_break_the_page(self):
        from unittest import mock

        from django.urls import reverse

        def down(request, timeout):
            raise urllib.error.URLError("no route")

        self.login(self.adam)
        with (
            mock.patch("samsyn.indicators.kolada.urllib.request.urlopen", down),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(
                reverse("indicators:kolada_fetch"),
                {"municipalities": "1384", "first_year": 2024, "last_year": 2024},
            )
        self.assertRedirects(response, reverse("indicators:import"))
        self.assertFalse(StatValue.objects.exists())

    def test_bad_codes_are_refused(self):
        from django.urls import reverse

        self.login(self.adam)
        response = self.client.post(
            reverse("indicators:kolada_fetch"),
            {"municipalities": "13x4", "first_year": 2024, "last_year": 2023},
            follow=True,
        )
        self.assertEqual(len(response.context["messages"]), 2)
        self.assertFalse(StatValue.objects.exists())
