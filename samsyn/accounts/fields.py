"""Person pickers that tell two people apart.

A dropdown of people shows names; when two people in the same list share a name, each of them
is shown with their school(s) and e-mail address, "Anna Berg (Strandskolan · anna.berg@…)", so
the right one is chosen. Everyone else keeps the plain name. One extra query per list, plus one
for the schools when names collide.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django import forms

from samsyn.accounts.models import Membership, Organisation


def _name(user) -> str:
    return (user.full_name or user.email).strip()


class PersonLabels:
    """Labels for a list of people, disambiguated where names collide."""

    def __init__(self, rows: Iterable[tuple[int, str, str]]) -> None:
        rows = list(rows)
        counts = Counter((name or email).strip().casefold() for _pk, name, email in rows)
        twins = {
            pk: email for pk, name, email in rows if counts[(name or email).strip().casefold()] > 1
        }
        schools: dict[int, list[str]] = defaultdict(list)
        if twins:
            for user_id, school in (
                Membership.objects.filter(
                    user_id__in=twins, organisation__kind=Organisation.Kind.SCHOOL
                )
                .order_by("organisation__name")
                .values_list("user_id", "organisation__name")
                .distinct()
            ):
                schools[user_id].append(school)
        self.extra = {pk: " · ".join([*schools.get(pk, []), email]) for pk, email in twins.items()}

    @classmethod
    def for_queryset(cls, queryset) -> PersonLabels:
        return cls(queryset.values_list("pk", "full_name", "email"))

    def label(self, user) -> str:
        extra = self.extra.get(user.pk)
        return f"{_name(user)} ({extra})" if extra else _name(user)


def person_choices(users: Iterable) -> list[tuple[str, str]]:
    """(pk, label) pairs for a ChoiceField over people, namesakes told apart."""
    users = list(users)
    labels = PersonLabels((u.pk, u.full_name, u.email) for u in users)
    return [(str(u.pk), labels.label(u)) for u in users]


class _PersonLabelMixin:
    def label_from_instance(self, obj) -> str:
        labels = getattr(self, "_person_labels", None)
        if labels is None or labels[0] is not self.queryset:
            labels = (self.queryset, PersonLabels.for_queryset(self.queryset))
            self._person_labels = labels
        return labels[1].label(obj)


class PersonChoiceField(_PersonLabelMixin, forms.ModelChoiceField):
    """One person; namesakes shown with school and e-mail."""


class PeopleChoiceField(_PersonLabelMixin, forms.ModelMultipleChoiceField):
    """Several people; namesakes shown with school and e-mail."""
