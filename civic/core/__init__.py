"""Cross-cutting parts every feature uses: database, templating, security, email, audit, areas."""

# The naming convention must be in place before any table is defined.
from civic.core import db as _db  # noqa: F401

# Routes name ids `{x:id}`: the convertor must be registered before any feature builds its routes.
from civic.core import paths as _paths  # noqa: F401
