"""Personal API tokens, the API's rate-limit counters, and single sign-on per school owner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation, Role


class Scope(models.TextChoices):
    """What a token may do in the JSON API (docs/integrations.md). Reads need `read`; a write
    needs the scope of its area or `write`. A token never does more than its user may."""

    READ = "read", _("Read everything you can see")
    OBSERVATIONS_WRITE = "observations:write", _("Save and submit your observations")
    WRITE = "write", _("Make any change you are allowed to make")


class ApiToken(models.Model):
    """A personal token for the JSON API. Only a SHA-256 hash of the secret is stored; the
    secret is shown once, when the token is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, so a person can tell their tokens apart.
    prefix = models.CharField(_("starts with"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


class RateWindow(models.Model):
    """Requests counted per token or user in one fixed time window (the API's rate limit).

    In the database, so the limit holds across several app servers without a shared cache."""

    key = models.CharField(max_length=64)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_window_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class SsoProvider(models.Model):
    """An owner's OpenID Connect identity provider (e.g. a municipality's)."""

    owner = models.OneToOneField(
        Organisation,
        verbose_name=_("school owner"),
        on_delete=models.CASCADE,
        related_name="sso_provider",
        limit_choices_to={"kind": Organisation.Kind.OWNER},
    )
    name = models.CharField(
        _("name shown on the login page"),
        max_length=100,
        help_text=_("People see “Log in with …” followed by this name."),
    )
    issuer = models.URLField(
        _("issuer URL"),
        max_length=300,
        help_text=_(
            "The identity provider's issuer; Samsyn reads "
            "<issuer>/.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=300)
    # Stored for the token request; never shown back in the UI.
    client_secret = models.CharField(_("client secret"), max_length=500)
    email_domains = models.CharField(
        _("allowed e-mail domains"),
        max_length=500,
        help_text=_("Comma-separated, e.g. ekbacka.se, skola.ekbacka.se."),
    )
    is_active = models.BooleanField(_("offered on the login page"), default=False)
    # The last check of the discovery document (when saved): "" = it passed; else a code of
    # oidc.CHECK_MESSAGES and a technical detail. A failing provider is not offered.
    check_error = models.CharField(max_length=40, blank=True, editable=False)
    check_detail = models.CharField(max_length=500, blank=True, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on provider")
        verbose_name_plural = _("single sign-on providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


class SsoRule(models.Model):
    """If the claim has the value, the person gets `role` in `organisation` (the owner or one of
    its schools). An empty claim matches everyone who logs in through the provider."""

    provider = models.ForeignKey(SsoProvider, on_delete=models.CASCADE, related_name="rules")
    claim = models.CharField(_("claim"), max_length=100, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("claim rule")
        verbose_name_plural = _("claim rules")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "claim", "value", "organisation", "role"],
                name="sso_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim}={self.value} → {self.role} @ {self.organisation}"


class SsoIdentity(models.Model):
    """Links the identity provider's subject (`sub`) to a Samsyn account."""

    provider = models.ForeignKey(SsoProvider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"
