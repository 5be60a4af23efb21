"""Every URL pattern of the project, with the path parameters it needs, and which kind of
demo object fills them (`subjects.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Path prefix (up to the first parameter) → kind of object in `subjects.subjects()`; the
# longest prefix wins. Routes whose kind is not the prefix's are in KIND_OF_ROUTE.
KIND_OF_PREFIX = {
    "accounts/org/": "school",
    "accounts/invitation/": "token",
    "accounts/password-reset/": "token",
    "api/v1/coaching/next-steps/": "next_step",
    "api/v1/frameworks/": "framework",
    "api/v1/observations/": "observation",
    "api/v1/organisations/": "school",
    "api/v1/rounds/": "round",
    "api/v1/workshops/schools/": "school",
    "coaching/conversations/": "conversation",
    "coaching/next-steps/": "next_step",
    "coaching/schools/": "school",
    "coaching/support/": "support",
    "dashboards/area/": "owner",
    "dashboards/school/": "school",
    "frameworks/": "framework",
    "improvement/library/": "library_entry",
    "improvement/org/": "school",
    "improvement/plans/": "plan",
    "improvement/projects/": "project",
    "improvement/quality/": "cycle",
    "improvement/supervision/": "supervision",
    "indicators/import/kolada/": "kolada_fetch",
    "indicators/org/": "school",
    "indicators/s/": "token",
    "integrations/owner/": "owner",
    "integrations/sso/": "sso_provider",
    "integrations/tokens/": "api_token",
    "networks/": "network",
    "networks/assignments/": "collab_assignment",
    "networks/competence/": "effort",
    "networks/exchanges/": "exchange",
    "networks/groups/": "collab_group",
    "networks/exchanges/year/": "owner",
    "networks/practices/": "practice",
    "networks/reviews/": "review",
    "observations/calibration/": "calibration",
    "observations/capture/": "assignment",
    "observations/conflicts/": "conflict",
    "observations/o/": "observation",
    "observations/rounds/": "round",
    "observations/visits/": "assignment",
    "onboarding/networks/": "network",
    "onboarding/owner/": "owner",
    "onboarding/rounds/": "round",
    "privacy/email/": "token",
    "programmes/": "programme",
    "programmes/new/": "owner",
    "progress/": "progress_slug",
    "progress/manage/": "owner",
    "progress/pages/": "progress_page",
    "privacy/my-data/": "token",
    "privacy/owner/": "owner",
    "privacy/research/": "research_export",
    "privacy/research/new/": "owner",
    "reliability/rounds/": "round",
    "triads/school/": "school",
    "triads/sets/": "triad_set",
    "triads/triad/": "triad",
    "workshops/school/": "workshop",
}
KIND_OF_ROUTE = {
    "improvement:cycles": "owner",  # the owner's quality cycles
    "indicators:survey_detail": "survey",
    "indicators:survey_export": "survey",
    "indicators:survey_links": "survey",
    "indicators:survey_open": "survey",
    "indicators:survey_outcome": "survey",
    "indicators:survey_question_add": "survey",
    "indicators:survey_question_remove": "survey",
    "indicators:survey_results": "survey",
    "workshops:action_list": "school",
    "workshops:workshop_create": "school",
    "workshops:workshop_list": "school",
    "workshops:action_status": "workshop",
    "triads:set": "triad_set",
}
# Kinds that belong to no school owner (the same object whichever owner asks).
SHARED_KINDS = {"token", "framework", "kolada_fetch", "network", "supervision"}

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]

    @property
    def kind(self) -> str | None:
        if not self.params:
            return None
        if self.name in KIND_OF_ROUTE:
            return KIND_OF_ROUTE[self.name]
        head = self.pattern.split("<", 1)[0]
        for prefix in sorted(KIND_OF_PREFIX, key=len, reverse=True):
            if head.startswith(prefix):
                return KIND_OF_PREFIX[prefix]
        return None


def all_routes(patterns=None, prefix: str = "", route: str = "") -> list[Route]:
    """Every named URL pattern (Django admin's own left out: it checks is_staff itself)."""
    out: list[Route] = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        text = str(entry.pattern).removeprefix("^").removesuffix("$")
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            out += all_routes(entry.url_patterns, namespace, route + text)
        elif isinstance(entry, URLPattern) and entry.name:
            full = route + text
            params = tuple(PARAMETER.findall(full))
            out.append(Route(f"{prefix}{entry.name}", full, params))
    return out
