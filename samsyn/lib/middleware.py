"""Refuse JSON request bodies that are nested too deep or carry control characters in text.

Every JSON body (the API, offline capture sync) passes here once, so no endpoint needs its own
check: too deep → 400 with the reason; a control character → 422 naming each field's path,
in the shape of the API's own field errors (`{"detail": …, "errors": {path: message}}`).
Malformed JSON is left to the view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from samsyn.lib import safejson
from samsyn.lib.text import ERR_CONTROL


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
        bad = safejson.control_character_paths(data)
        if not bad:
            return None
        errors = {where: str(ERR_CONTROL) % {"field": where, "char": char} for where, char in bad}
        detail = _("Text may not contain control characters.")
        return JsonResponse({"detail": detail, "errors": errors}, status=422)
