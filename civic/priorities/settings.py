"""Settings of the priorities feature (listed in the README's configuration table)."""

from __future__ import annotations

from dataclasses import dataclass

from civic.config import FeatureSettings, Setting, from_setting

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
    Setting(
        "PRIORITIES_RSVPS_PER_IP_HOUR",
        "10",
        "replies to a priorities meeting one IP address may send per hour",
    ),
    Setting(
        "PRIORITIES_RSVP_RETENTION_DAYS",
        "14",
        "days after a priorities meeting that the names and email addresses in its replies are kept",
    ),
    Setting(
        "PRIORITIES_ASSISTED_PER_STAFF_HOUR",
        "30",
        "priorities votes one member of staff may record for residents (assisted votes) per hour",
    ),
)


@dataclass(frozen=True)
class PrioritySettings(FeatureSettings):
    """The priorities settings, typed: `settings_of(request, PrioritySettings)` or `PrioritySettings.of(ctx.settings)` in jobs."""

    contact_retention_days: int = from_setting("PRIORITIES_CONTACT_RETENTION_DAYS")
    confirm_hours: int = from_setting("PRIORITIES_CONFIRM_HOURS")
    voting_days: int = from_setting("PRIORITIES_VOTING_DAYS")
    votes_per_ip_hour: int = from_setting("PRIORITIES_VOTES_PER_IP_HOUR")
    suggestions_per_ip_hour: int = from_setting("PRIORITIES_SUGGESTIONS_PER_IP_HOUR")
    confirmations_per_hour: int = from_setting("PRIORITIES_CONFIRMATIONS_PER_HOUR")
    votes_per_email_hour: int = from_setting("PRIORITIES_VOTES_PER_EMAIL_HOUR")
    rsvps_per_ip_hour: int = from_setting("PRIORITIES_RSVPS_PER_IP_HOUR")
    rsvp_retention_days: int = from_setting("PRIORITIES_RSVP_RETENTION_DAYS")
    assisted_per_staff_hour: int = from_setting("PRIORITIES_ASSISTED_PER_STAFF_HOUR")
