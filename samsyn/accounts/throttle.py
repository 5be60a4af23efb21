"""Login limits per account *and* per address, with no way to lock a known account out.

Three rules, all counted from django-axes' failed-attempt rows (`AccessAttempt`, one per
account × address × browser, kept for `AXES_COOLOFF_TIME`):

1. **Account × address** (axes itself, `AXES_LOCKOUT_PARAMETERS`): after `AXES_FAILURE_LIMIT`
   failures for one account from one address, that pair is paused for the cool-off time. The
   same account from any other address is not affected.
2. **Address** (`SAMSYN_LOGIN_ADDRESS_LIMIT`): failures from one address across all accounts
   (password spraying). The address is paused; other addresses are not.
3. **Account, slowly** (`SAMSYN_LOGIN_ACCOUNT_SLOW_AFTER`): after that many failures on one
   account from all addresses together, an address that has never logged in to the account
   waits between attempts (15 s, doubling every 10 further failures, at most 5 minutes). This
   only delays, it never locks, and an address the person has logged in from before
   (axes' `AccessLog`) is not delayed at all. A refused attempt is not evaluated and not
   counted, so waiting does not make the wait longer.
"""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from samsyn.accounts.addresses import client_ip

FIRST_DELAY = 15  # seconds
MAX_DELAY = 300


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address" or "account"
    wait: int = 0  # seconds, for "account"


def _window():
    return settings.AXES_COOLOFF_TIME


def account_delay(failures: int) -> int:
    """Seconds between attempts on an account with `failures` recent failures (0: none)."""
    over = failures - settings.SAMSYN_LOGIN_ACCOUNT_SLOW_AFTER
    if over < 0:
        return 0
    return min(MAX_DELAY, FIRST_DELAY * 2 ** (over // 10))


def refusal(request: HttpRequest, username: str) -> Refusal | None:
    """Whether this log-in attempt is refused before the password is even checked."""
    now = timezone.now()
    address = client_ip(request)
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - _window())
    from_address = recent.filter(ip_address=address).aggregate(n=Sum("failures_since_start"))
    if (from_address["n"] or 0) >= settings.SAMSYN_LOGIN_ADDRESS_LIMIT:
        return Refusal("address")
    username = username.strip()
    if not username:
        return None
    on_account = recent.filter(username__iexact=username).aggregate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    delay = account_delay(on_account["n"] or 0)
    if not delay or on_account["last"] is None:
        return None
    if AccessLog.objects.filter(username__iexact=username, ip_address=address).exists():
        return None  # the person has logged in from here before
    wait = delay - (now - on_account["last"]).total_seconds()
    if wait > 0:
        return Refusal("account", int(wait + 0.999))
    return None
