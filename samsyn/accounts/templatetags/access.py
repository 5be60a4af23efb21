"""`{% if can|has:"rounds.manage" %}`: templates ask the access layer's Perm vocabulary.

`can` is the frozenset of Perm a view passes for the object on the page
(`samsyn.accounts.access.permissions_at` or an object's own helper). A name that is not a Perm
raises, so a misspelt check fails loudly instead of hiding a button (installed as a builtin).
"""

from __future__ import annotations

from collections.abc import Collection

from django import template

from samsyn.accounts.access import Perm

register = template.Library()


@register.filter
def has(perms: Collection[str] | None, name: str) -> bool:
    perm = Perm(name)  # ValueError for a name outside the vocabulary
    return perm in (perms or ())
