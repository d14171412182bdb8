"""Importing this registers everything petitions adds: tables, rules, jobs, settings, demo data,
report-card metrics, open data, the home page's "open now" provider, and the petition as a target of
responses (civic/models.py imports it)."""

from civic.petitions import answers, demo, jobs, metrics, models, opendata, queries_home, rules, settings

__all__ = ["answers", "demo", "jobs", "metrics", "models", "opendata", "queries_home", "rules", "settings"]
