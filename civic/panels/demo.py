"""Demo content for panels (the loader follows in a later commit); importing it registers the
panels' tables, permission rules and the guard on published minutes."""

from civic.panels import minutes, models, rules  # noqa: F401
