"""Importing this registers the feature's tables, rules, jobs, home-page provider, demo loader,
report-card metrics and settings."""

from civic.core.home import staff_link
from civic.priorities import answers, demo, jobs, metrics, models, queries, rules, settings

staff_link("Police priorities: rounds and progress", "/priorities/manage", "police")

__all__ = ["answers", "demo", "jobs", "metrics", "models", "queries", "rules", "settings"]
