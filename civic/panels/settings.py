"""Community panels settings (each is also in the README configuration table)."""

from __future__ import annotations

from dataclasses import dataclass

from civic.config import FeatureSettings, Setting, from_setting

SETTINGS = (
    Setting(
        "PANEL_SUBSCRIBES_PER_IP_DAY",
        "50",
        "panel email subscriptions one IP address may ask for per day (a fifth of it per 10 minutes)",
    ),
    Setting(
        "PANEL_CONFIRMATIONS_PER_HOUR", "300", "panel subscription confirmations per IP address per hour"
    ),
    Setting("PANEL_UNSUBSCRIBES_PER_HOUR", "60", "panel unsubscribe requests per IP address per hour"),
    Setting(
        "PANEL_ENDED_SUBSCRIPTION_KEEP_DAYS",
        "30",
        "days after a panel subscription ends (its address is erased at once) that its keyed hash is deleted",
    ),
)


@dataclass(frozen=True)
class PanelSettings(FeatureSettings):
    """The community panels settings, typed: `settings_of(request, PanelSettings)`."""

    subscribes_per_ip_day: int = from_setting("PANEL_SUBSCRIBES_PER_IP_DAY")
    confirmations_per_hour: int = from_setting("PANEL_CONFIRMATIONS_PER_HOUR")
    unsubscribes_per_hour: int = from_setting("PANEL_UNSUBSCRIBES_PER_HOUR")
    ended_subscription_keep_days: int = from_setting("PANEL_ENDED_SUBSCRIPTION_KEEP_DAYS")
