"""Settings of the priorities feature (listed in the README's configuration table)."""

from civic.config import Setting

SETTINGS = (
    Setting(
        "PRIORITIES_CONTACT_RETENTION_DAYS",
        "120",
        "days after a round's results are published that opted-in voters' email addresses are kept",
    ),
    Setting("PRIORITIES_CONFIRM_HOURS", "48", "hours a priorities ballot's confirmation link stays valid"),
    Setting("PRIORITIES_VOTING_DAYS", "21", "default length of a priorities voting window, in days"),
    Setting(
        "PRIORITIES_VOTES_PER_IP_HOUR",
        "30",
        "priorities ballots one IP address may submit per hour (a burst limit of a third of it per minute)",
    ),
    Setting(
        "PRIORITIES_SUGGESTIONS_PER_IP_HOUR", "10", "priority suggestions one IP address may make per hour"
    ),
    Setting("PRIORITIES_CONFIRMATIONS_PER_HOUR", "300", "ballot confirmations per IP address per hour"),
    Setting(
        "PRIORITIES_VOTES_PER_EMAIL_HOUR",
        "5",
        "priorities ballots (confirmation emails) one email address may ask for per hour",
    ),
)
