"""Responses settings (each is also in the README configuration table)."""

from __future__ import annotations

from dataclasses import dataclass

from civic.config import FeatureSettings, Setting, from_setting

SETTINGS = (
    Setting("RESPONSES_FOLLOWS_PER_HOUR", "10", "requests to follow an answer per IP address per hour"),
    Setting("RESPONSES_CONFIRMATIONS_PER_HOUR", "300", "follow confirmations per IP address per hour"),
    Setting(
        "RESPONSES_UNSUBSCRIBES_PER_HOUR",
        "600",
        "one-click unsubscribes per IP address per hour (high: mail providers send them from shared addresses)",
    ),
    Setting("RESPONSES_RATINGS_PER_HOUR", "30", "ratings of a response per IP address per hour"),
    Setting(
        "RESPONSES_FOLLOWER_KEEP_DAYS",
        "90",
        "days after an ask is first answered (or an unconfirmed follow was made) that followers' addresses are deleted",
    ),
)


@dataclass(frozen=True)
class ResponseSettings(FeatureSettings):
    """The responses settings, typed: `settings_of(request, ResponseSettings)`."""

    follows_per_hour: int = from_setting("RESPONSES_FOLLOWS_PER_HOUR")
    confirmations_per_hour: int = from_setting("RESPONSES_CONFIRMATIONS_PER_HOUR")
    unsubscribes_per_hour: int = from_setting("RESPONSES_UNSUBSCRIBES_PER_HOUR")
    ratings_per_hour: int = from_setting("RESPONSES_RATINGS_PER_HOUR")
    follower_keep_days: int = from_setting("RESPONSES_FOLLOWER_KEEP_DAYS")
