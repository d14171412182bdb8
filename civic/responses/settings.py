"""Responses settings (each is also in the README configuration table)."""

from civic.config import Setting

SETTINGS = (
    Setting("RESPONSES_FOLLOWS_PER_HOUR", "10", "requests to follow an answer per IP address per hour"),
    Setting("RESPONSES_CONFIRMATIONS_PER_HOUR", "300", "follow confirmations per IP address per hour"),
    Setting(
        "RESPONSES_UNSUBSCRIBES_PER_HOUR",
        "600",
        "one-click unsubscribes per IP address per hour (high: mail providers send them from shared addresses)",
    ),
    Setting("RESPONSES_RATINGS_PER_HOUR", "30", "ratings of a response per IP address per hour"),
)
