"""Youth budgets settings (each is also in the README configuration table)."""

from __future__ import annotations

from dataclasses import dataclass

from civic.config import FeatureSettings, Setting, from_setting

SETTINGS = (
    Setting("BUDGET_CODE_ATTEMPTS_PER_HOUR", "20", "voting-code attempts allowed per IP address per hour"),
    Setting("BUDGET_IDEAS_PER_HOUR", "10", "youth budget ideas one IP address may submit per hour"),
    Setting(
        "BUDGET_BALLOT_POSTS_PER_HOUR",
        "600",
        "ballot changes and running totals per IP address per hour (each click of a ballot is one)",
    ),
    Setting(
        "BUDGET_VOTE_MINUTES", "60", "how long a young person has to finish a ballot after entering a code"
    ),
    Setting(
        "BUDGET_MAX_CODES_PER_BATCH", "2000", "the largest batch of voting codes a youth worker can create"
    ),
    Setting(
        "BUDGET_IDEA_EMAIL_KEEP_DAYS",
        "730",
        "days after a budget's delivery starts that ideas' contact email addresses are deleted",
    ),
)


@dataclass(frozen=True)
class BudgetSettings(FeatureSettings):
    """The youth budgets settings, typed: `settings_of(request, BudgetSettings)`."""

    code_attempts_per_hour: int = from_setting("BUDGET_CODE_ATTEMPTS_PER_HOUR")
    ideas_per_hour: int = from_setting("BUDGET_IDEAS_PER_HOUR")
    ballot_posts_per_hour: int = from_setting("BUDGET_BALLOT_POSTS_PER_HOUR")
    vote_minutes: int = from_setting("BUDGET_VOTE_MINUTES")
    max_codes_per_batch: int = from_setting("BUDGET_MAX_CODES_PER_BATCH")
    idea_email_keep_days: int = from_setting("BUDGET_IDEA_EMAIL_KEEP_DAYS")
