"""Community panels settings (each is also in the README configuration table)."""

from civic.config import Setting

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
)
