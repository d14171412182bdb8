"""Youth budgets settings (each is also in the README configuration table)."""

from civic.config import Setting

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
)
