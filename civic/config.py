"""Settings read from the environment and an optional `.env` file.

Every setting is listed in `SETTINGS` with its default and meaning; the README's configuration table is
checked against that list by a test, so documentation and code cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Self, cast

DEV_SECRET: Final = "development-only-secret-change-me"  # noqa: S105 - the refused default
# A catalogue's language code: cy, en, pt_BR, en_XA (the tests' pseudo-locale).
LANGUAGE_CODE: Final = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


class ConfigError(ValueError):
    """A setting is missing or unusable; the message says which and why."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS: Final[tuple[Setting, ...]] = (
    Setting("ENVIRONMENT", "development", "`development`, `test` or `production`"),
    Setting(
        "SECRET_KEY",
        DEV_SECRET,
        "signs CSRF tokens and keys email hashes; required outside development",
    ),
    Setting(
        "DATABASE_URL",
        "sqlite+aiosqlite:///var/civic.db",
        "SQLite file or `postgresql+asyncpg://...`",
    ),
    Setting(
        "BASE_URL",
        "http://127.0.0.1:8000",
        "public address; every link in an email is built from it",
    ),
    Setting("COUNCIL_NAME", "Fernbridge Borough Council", "shown in the header, emails and declarations"),
    Setting("COUNCIL_SHORT_NAME", "Fernbridge", "used in sentences such as 'I live in Fernbridge'"),
    Setting(
        "SMTP_URL",
        "",
        "`smtp://user:pass@host:587?starttls=1` or `smtps://...`; empty keeps mail in the outbox",
    ),
    Setting("MAIL_FROM", "Civic <no-reply@civic.invalid>", "sender of every email"),
    Setting("MAIL_WORKER", "1", "`1` runs the outbox worker and scheduled jobs inside the web process"),
    Setting("MAIL_BATCH_SIZE", "50", "outbox rows claimed per worker pass"),
    Setting(
        "MAIL_MAX_AGE_DAYS",
        "7",
        "a message the mail server has not accepted by then (outage, 4xx replies) is marked failed",
    ),
    Setting(
        "MAIL_LEASE_SECONDS", "300", "how long a worker holds the messages it claimed before another may"
    ),
    Setting("SESSION_IDLE_MINUTES", "30", "staff sessions end after this long without a request"),
    Setting("SESSION_MAX_HOURS", "12", "staff sessions end this long after login whatever happens"),
    Setting("LOGIN_MAX_FAILURES", "5", "failed logins per account in 15 minutes before it is locked"),
    Setting(
        "LOGIN_IP_MAX_FAILURES",
        "20",
        "failed logins per IP address in 15 minutes before it is refused",
    ),
    Setting(
        "STAFF_2FA_REQUIRED",
        "publishers",
        "who must use a second factor: `publishers` (every role that publishes or moderates), `all` or `off`",
    ),
    Setting(
        "SIGNIN_HISTORY_DAYS", "90", "staff sign-in records (IP address, browser) are deleted after this"
    ),
    Setting("MAX_BODY_BYTES", "1048576", "larger request bodies get 413"),
    Setting("PASSWORD_HASH_COST", "standard", "`standard` (argon2 defaults) or `fast` (tests only)"),
    Setting(
        "TRUST_PROXY_HEADERS",
        "0",
        "`1` reads the client IP from X-Forwarded-For (behind a proxy only)",
    ),
    Setting("LOG_LEVEL", "INFO", "Python logging level"),
    Setting("LOG_FORMAT", "text", "`text` lines, or `json`: one JSON object per line for a log system"),
    Setting("METRICS_TOKEN", "", "bearer token for `/metrics` (Prometheus); empty turns the endpoint off"),
    Setting(
        "METRICS_DIR",
        "var/metrics",
        "where `civic serve --workers N` keeps every process's metrics, so one scrape sees them all",
    ),
    Setting(
        "READY_OUTBOX_MAX_AGE_MINUTES", "60", "`/readyz` fails when queued mail has waited longer than this"
    ),
    Setting("BACKUP_DIR", "", "SQLite only: a folder for scheduled backups; empty turns them off"),
    Setting("BACKUP_EVERY_HOURS", "24", "how often the scheduled SQLite backup runs"),
    Setting("BACKUP_KEEP", "7", "how many scheduled backups to keep; older ones are deleted"),
    Setting(
        "LANGUAGES",
        "en,cy",
        "languages offered, comma-separated (`en` and any with a catalogue in `civic/translations/`)",
    ),
    Setting(
        "DEFAULT_LANGUAGE",
        "en",
        "the language of a reader whose browser asks for none of LANGUAGES; one of LANGUAGES",
    ),
    Setting(
        "PUBLISH_IN_ALL_LANGUAGES",
        "0",
        "`1`: staff cannot publish a petition, response, priority, proposal or panel decision until its "
        "text has a version in every one of LANGUAGES",
    ),
)
_DEFAULTS: Final = {s.name: s.default for s in SETTINGS}
_FEATURE_SETTINGS: dict[str, Setting] = {}


def register(*settings: Setting) -> None:
    """Features declare their own settings here (in their `settings.py`) and read them with
    `Settings.value()` / `Settings.int_value()`; the README table must list them too."""
    for setting in settings:
        _FEATURE_SETTINGS[setting.name] = setting


def all_settings() -> tuple[Setting, ...]:
    return SETTINGS + tuple(_FEATURE_SETTINGS.values())


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are ignored, quotes are stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _as_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    secret_key: str = DEV_SECRET
    database_url: str = _DEFAULTS["DATABASE_URL"]
    base_url: str = _DEFAULTS["BASE_URL"]
    council_name: str = _DEFAULTS["COUNCIL_NAME"]
    council_short_name: str = _DEFAULTS["COUNCIL_SHORT_NAME"]
    smtp_url: str = ""
    mail_from: str = _DEFAULTS["MAIL_FROM"]
    mail_worker: bool = True
    mail_batch_size: int = 50
    mail_max_age_days: int = 7
    mail_lease_seconds: int = 300
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    login_max_failures: int = 5
    login_ip_max_failures: int = 20
    staff_2fa_required: str = "publishers"
    signin_history_days: int = 90
    max_body_bytes: int = 1_048_576
    password_hash_cost: str = "standard"  # noqa: S105 - a cost profile, not a password
    trust_proxy_headers: bool = False
    log_level: str = "INFO"
    log_format: str = "text"
    metrics_token: str = ""
    metrics_dir: str = _DEFAULTS["METRICS_DIR"]
    ready_outbox_max_age_minutes: int = 60
    backup_dir: str = ""
    backup_every_hours: int = 24
    backup_keep: int = 7
    languages: tuple[str, ...] = ("en", "cy")
    default_language: str = "en"
    publish_in_all_languages: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.environment not in {"development", "test", "production"}:
            raise ConfigError(
                f"ENVIRONMENT must be development, test or production, not {self.environment!r}"
            )
        if self.environment == "production" and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(f"BASE_URL must start with http:// or https://, not {self.base_url!r}")
        if self.password_hash_cost not in {"standard", "fast"}:
            raise ConfigError("PASSWORD_HASH_COST must be standard or fast")
        if self.log_format not in {"text", "json"}:
            raise ConfigError(f"LOG_FORMAT must be text or json, not {self.log_format!r}")
        if self.staff_2fa_required not in {"publishers", "all", "off"}:
            raise ConfigError(
                f"STAFF_2FA_REQUIRED must be publishers, all or off, not {self.staff_2fa_required!r}"
            )
        if self.signin_history_days < 1:
            raise ConfigError("SIGNIN_HISTORY_DAYS must be at least 1")
        if self.backup_keep < 1 or self.backup_every_hours < 1:
            raise ConfigError("BACKUP_KEEP and BACKUP_EVERY_HOURS must be at least 1")
        self._check_languages()

    def _check_languages(self) -> None:
        bad = [lang for lang in self.languages if not LANGUAGE_CODE.fullmatch(lang)]
        if not self.languages or bad:
            raise ConfigError(f"LANGUAGES must be language codes such as en,cy, not {','.join(bad)!r}")
        if self.default_language not in self.languages:
            raise ConfigError(f"DEFAULT_LANGUAGE {self.default_language!r} must be one of LANGUAGES")

    def value(self, name: str) -> str:
        if name not in _FEATURE_SETTINGS:
            raise ConfigError(f"{name} is not a registered setting")
        return self.extra.get(name, _FEATURE_SETTINGS[name].default)

    def int_value(self, name: str) -> int:
        return _as_int(name, self.value(name))

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def base_origin(self) -> str:
        scheme, _, rest = self.base_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    def url(self, path: str) -> str:
        """An absolute link for emails, built from BASE_URL and never from a request's Host header."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, env_file: Path | None = None) -> Settings:
        source = dict(read_env_file(env_file or Path(".env")))
        source.update(os.environ if environ is None else environ)

        def get(name: str) -> str:
            return source.get(name, _DEFAULTS[name])

        return cls(
            environment=get("ENVIRONMENT"),
            secret_key=get("SECRET_KEY"),
            database_url=get("DATABASE_URL"),
            base_url=get("BASE_URL").rstrip("/"),
            council_name=get("COUNCIL_NAME"),
            council_short_name=get("COUNCIL_SHORT_NAME"),
            smtp_url=get("SMTP_URL"),
            mail_from=get("MAIL_FROM"),
            mail_worker=get("MAIL_WORKER") == "1",
            mail_batch_size=_as_int("MAIL_BATCH_SIZE", get("MAIL_BATCH_SIZE")),
            mail_max_age_days=_as_int("MAIL_MAX_AGE_DAYS", get("MAIL_MAX_AGE_DAYS")),
            mail_lease_seconds=_as_int("MAIL_LEASE_SECONDS", get("MAIL_LEASE_SECONDS")),
            session_idle_minutes=_as_int("SESSION_IDLE_MINUTES", get("SESSION_IDLE_MINUTES")),
            session_max_hours=_as_int("SESSION_MAX_HOURS", get("SESSION_MAX_HOURS")),
            login_max_failures=_as_int("LOGIN_MAX_FAILURES", get("LOGIN_MAX_FAILURES")),
            login_ip_max_failures=_as_int("LOGIN_IP_MAX_FAILURES", get("LOGIN_IP_MAX_FAILURES")),
            staff_2fa_required=get("STAFF_2FA_REQUIRED"),
            signin_history_days=_as_int("SIGNIN_HISTORY_DAYS", get("SIGNIN_HISTORY_DAYS")),
            max_body_bytes=_as_int("MAX_BODY_BYTES", get("MAX_BODY_BYTES")),
            password_hash_cost=get("PASSWORD_HASH_COST"),
            trust_proxy_headers=get("TRUST_PROXY_HEADERS") == "1",
            log_level=get("LOG_LEVEL"),
            log_format=get("LOG_FORMAT"),
            metrics_token=get("METRICS_TOKEN"),
            metrics_dir=get("METRICS_DIR"),
            ready_outbox_max_age_minutes=_as_int(
                "READY_OUTBOX_MAX_AGE_MINUTES", get("READY_OUTBOX_MAX_AGE_MINUTES")
            ),
            backup_dir=get("BACKUP_DIR"),
            backup_every_hours=_as_int("BACKUP_EVERY_HOURS", get("BACKUP_EVERY_HOURS")),
            backup_keep=_as_int("BACKUP_KEEP", get("BACKUP_KEEP")),
            languages=tuple(lang.strip() for lang in get("LANGUAGES").split(",") if lang.strip()),
            default_language=get("DEFAULT_LANGUAGE").strip(),
            publish_in_all_languages=get("PUBLISH_IN_ALL_LANGUAGES") == "1",
            extra={k: v for k, v in source.items() if k.isupper() and k not in _DEFAULTS},
        )


def from_setting(name: str) -> Any:
    """A field of a feature's settings dataclass, read from the registered setting `name`."""
    return field(metadata={"setting": name})


class FeatureSettings:
    """Base of a feature's typed settings (a frozen dataclass in the feature's `settings.py`).

    The feature lists its `Setting`s (for the README table and `Settings.value`) and declares a field
    per setting with `from_setting(NAME)`; handlers get the result with `settings_of(request, Kind)` and jobs
    with `Kind.of(ctx.settings)`, so no feature code looks a setting up by its name."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Each field declared with `from_setting(NAME)`, read as a whole number; a class whose
        values need more (durations, count/seconds pairs) overrides this."""
        kind = cast(Any, cls)
        values = {
            f.name: settings.int_value(f.metadata["setting"])
            for f in dataclasses.fields(kind)
            if "setting" in f.metadata
        }
        found: Self = kind(**values)
        return found

    @classmethod
    def of(cls, settings: Settings) -> Self:
        """These settings' values, read once per settings object (one per app)."""
        key = (cls, id(settings))
        found = _READ.get(key)
        if found is None or found[0] is not settings:
            found = _READ[key] = (settings, cls.from_settings(settings))
        value = found[1]
        assert isinstance(value, cls)
        return value


_READ: dict[tuple[type[FeatureSettings], int], tuple[Settings, FeatureSettings]] = {}
