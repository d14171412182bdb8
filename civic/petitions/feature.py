"""Importing this registers everything petitions adds: tables, rules, jobs, settings, demo data,
report-card metrics, open data, the home page's "open now" provider, and the petition as a target of
responses (civic/models.py imports it)."""

from civic.petitions import accountability, demo, home, jobs, metrics, models, opendata, rules, settings

__all__ = ["accountability", "demo", "home", "jobs", "metrics", "models", "opendata", "rules", "settings"]
