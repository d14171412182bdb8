from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from civic.core.identity import canonical_email, email_hash
from civic.core.tokens import BadToken, make_token, read_token

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Jo.Smith+petitions@GoogleMail.com", "josmith@gmail.com"),
        ("J.O.SMITH@gmail.com", "josmith@gmail.com"),
        ("jo.smith+tag@outlook.com", "jo.smith@outlook.com"),
        ("Jo.Smith+tag@council.gov.uk", "jo.smith+tag@council.gov.uk"),
        ("  Sam@Example.ORG ", "sam@example.org"),
    ],
)
def test_canonical_email(raw: str, canonical: str) -> None:
    assert canonical_email(raw) == canonical


def test_email_hash_is_keyed_and_canonical() -> None:
    assert email_hash("k1", "Jo.Smith@gmail.com") == email_hash("k1", "josmith+x@googlemail.com")
    assert email_hash("k1", "jo@example.org") != email_hash("k2", "jo@example.org")
    assert "jo" not in email_hash("k1", "jo@example.org")


def test_tokens_round_trip_and_refuse_tampering_purpose_and_expiry() -> None:
    token = make_token("secret", "confirm-signature", "42", expires=NOW + timedelta(days=1))
    assert read_token("secret", "confirm-signature", token, now=NOW) == "42"
    with pytest.raises(BadToken, match="not valid"):
        read_token("secret", "unsubscribe", token, now=NOW)
    with pytest.raises(BadToken, match="not valid"):
        read_token("other-secret", "confirm-signature", token, now=NOW)
    with pytest.raises(BadToken, match="expired"):
        read_token("secret", "confirm-signature", token, now=NOW + timedelta(days=2))
    forged = "NDM" + token[token.index(".") :]
    with pytest.raises(BadToken):
        read_token("secret", "confirm-signature", forged, now=NOW)
    with pytest.raises(BadToken, match="not complete"):
        read_token("secret", "confirm-signature", token[:10], now=NOW)
