"""Civic: local accountability and participatory budgeting."""

__version__ = "0.1.0"
