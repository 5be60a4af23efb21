"""Refuse JSON request bodies that are nested too deep or carry control characters in text.

Every JSON body (the API, offline capture sync) passes here once, so no endpoint needs its own
check: too deep → 400 with the reason; a control character → 422 naming each field's path,
in the shape of the API's own field errors (`{"detail": …, "errors": {path: message}}`).
Malformed JSON is left to the view.

The body is parsed once: what this middleware parsed is kept on the request (`PARSED_ATTR`)
and the API's parser (`samsyn.lib.middleware.CachedJsonParser`) takes it from there instead of
parsing the same bytes again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.parser import Parser

from samsyn.lib import safejson
from samsyn.lib.text import ERR_CONTROL

PARSED_ATTR = "_samsyn_json"


class JsonLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.content_type == "application/json"
        ):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if not request.body:
            return None
        try:
            data = safejson.loads(request.body)
        except safejson.JsonLimitError as error:
            return JsonResponse({"detail": str(error)}, status=400)
        except ValueError:  # malformed JSON or not UTF-8: the view answers as it always has
            return None
        if not safejson.may_hold_control_characters(request.body):
            setattr(request, PARSED_ATTR, data)
            return None
        bad = safejson.control_character_paths(data)
        if not bad:
            setattr(request, PARSED_ATTR, data)
            return None
        errors = {where: str(ERR_CONTROL) % {"field": where, "char": char} for where, char in bad}
        detail = _("Text may not contain control characters.")
        return JsonResponse({"detail": detail, "errors": errors}, status=422)


class CachedJsonParser(Parser):
    """The API's body parser: the JSON `JsonLimitsMiddleware` already parsed (and checked), or
    the body parsed here when the middleware left it (another content type, malformed)."""

    def parse_body(self, request: HttpRequest) -> dict:
        if hasattr(request, PARSED_ATTR):
            return getattr(request, PARSED_ATTR)
        return super().parse_body(request)
