"""Importing this registers everything petitions adds: tables, rules, jobs, settings, demo data, report-card
metrics and the home page's "open now" provider (civic/models.py imports it)."""

from civic.petitions import demo, home, jobs, metrics, models, rules, settings

__all__ = ["demo", "home", "jobs", "metrics", "models", "rules", "settings"]
