"""Cross-cutting parts every feature uses: database, templating, security, email, audit, areas."""

# The naming convention must be in place before any table is defined.
from civic.core import db as _db  # noqa: F401
