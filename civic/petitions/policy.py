"""The council's petition policy, read once from settings and passed into services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from civic.config import ConfigError, FeatureSettings, Settings
from civic.core.ratelimit import Limit


def _limit(settings: Settings, name: str) -> Limit:
    raw = settings.value(name)
    count, _, seconds = raw.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(seconds) > 0):
        raise ConfigError(f"{name} must look like 10/60 (count/seconds), not {raw!r}")
    return Limit(int(count), int(seconds))


@dataclass(frozen=True)
class Policy(FeatureSettings):
    supporters_needed: int
    open_for: timedelta
    response_threshold: int
    debate_threshold: int
    response_due: timedelta
    moderation_overdue: timedelta
    confirm_grace: timedelta
    confirm_link: timedelta
    anonymise_after: timedelta
    sign_limits: tuple[Limit, ...]
    assisted_limit: Limit
    count_cache_seconds: float
    notify_batch: int
    scan_max_bytes: int
    secret: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        days = settings.int_value
        return cls(
            supporters_needed=days("PETITION_SUPPORTERS_NEEDED"),
            open_for=timedelta(days=days("PETITION_OPEN_DAYS")),
            response_threshold=days("PETITION_RESPONSE_THRESHOLD"),
            debate_threshold=days("PETITION_DEBATE_THRESHOLD"),
            response_due=timedelta(days=days("PETITION_RESPONSE_DUE_DAYS")),
            moderation_overdue=timedelta(days=days("PETITION_MODERATION_OVERDUE_DAYS")),
            confirm_grace=timedelta(hours=days("PETITION_CONFIRM_GRACE_HOURS")),
            confirm_link=timedelta(days=days("PETITION_CONFIRM_LINK_DAYS")),
            anonymise_after=timedelta(days=days("PETITION_ANONYMISE_DAYS")),
            sign_limits=(
                _limit(settings, "PETITION_SIGN_BURST"),
                _limit(settings, "PETITION_SIGN_SUSTAINED"),
            ),
            assisted_limit=_limit(settings, "PETITION_ASSISTED_PER_STAFF"),
            count_cache_seconds=float(days("PETITION_COUNT_CACHE_SECONDS")),
            notify_batch=max(1, days("PETITION_NOTIFY_BATCH")),
            scan_max_bytes=max(1, days("PETITION_SCAN_MAX_BYTES")),
            secret=settings.secret_key,
        )


def policy_of(settings: Settings) -> Policy:
    """The policy for these settings, built once per settings object."""
    return Policy.of(settings)
