"""Residents' survey settings (each is also in the README configuration table)."""

from __future__ import annotations

from dataclasses import dataclass

from civic.config import FeatureSettings, Setting, from_setting

SETTINGS = (
    Setting(
        "SURVEY_ANSWERS_PER_IP_HOUR", "60", "survey answers (email or code) one IP address may send per hour"
    ),
    Setting("SURVEY_CONFIRMATIONS_PER_HOUR", "300", "survey email confirmations per IP address per hour"),
    Setting(
        "SURVEY_KEY_KEEP_DAYS",
        "90",
        "days after a survey closes that the keyed hashes of its respondents' email addresses and codes are erased",
    ),
)


@dataclass(frozen=True)
class SurveySettings(FeatureSettings):
    """The residents' survey settings, typed: `settings_of(request, SurveySettings)`."""

    answers_per_ip_hour: int = from_setting("SURVEY_ANSWERS_PER_IP_HOUR")
    confirmations_per_hour: int = from_setting("SURVEY_CONFIRMATIONS_PER_HOUR")
    key_keep_days: int = from_setting("SURVEY_KEY_KEEP_DAYS")
