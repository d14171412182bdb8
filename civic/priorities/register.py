"""Importing this registers the feature's tables, rules, jobs, home-page provider, demo loader and settings."""

from civic.priorities import demo, jobs, models, public, rules, settings

__all__ = ["demo", "jobs", "models", "public", "rules", "settings"]
