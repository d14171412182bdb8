"""Petition settings; every one is listed in the README's configuration table."""

from __future__ import annotations

from civic.config import Setting

SETTINGS = (
    Setting("PETITION_SUPPORTERS_NEEDED", "5", "confirmed supporters a new petition needs before moderation"),
    Setting("PETITION_OPEN_DAYS", "182", "how long a petition is open for signatures (about 6 months)"),
    Setting("PETITION_RESPONSE_THRESHOLD", "100", "signatures for a council response (recorded at opening)"),
    Setting("PETITION_DEBATE_THRESHOLD", "1500", "signatures for a council debate (recorded at opening)"),
    Setting("PETITION_RESPONSE_DUE_DAYS", "30", "days the council has to respond after the threshold"),
    Setting("PETITION_MODERATION_OVERDUE_DAYS", "7", "petitions waiting longer than this are overdue"),
    Setting(
        "PETITION_CONFIRM_GRACE_HOURS", "24", "signatures may still be confirmed this long after closing"
    ),
    Setting("PETITION_CONFIRM_LINK_DAYS", "14", "how long an emailed confirmation link works"),
    Setting("PETITION_ANONYMISE_DAYS", "182", "signers' personal data is removed this long after closing"),
    Setting("PETITION_SIGN_BURST", "10/60", "signatures per IP per petition per window (count/seconds)"),
    Setting(
        "PETITION_SIGN_SUSTAINED", "100/3600", "sustained signatures per IP per petition (count/seconds)"
    ),
    Setting(
        "PETITION_ASSISTED_PER_STAFF",
        "30/3600",
        "assisted signatures one member of staff may enter per window (count/seconds)",
    ),
    Setting("PETITION_CREATE_POSTS_PER_HOUR", "60", "steps of the new-petition form per IP address per hour"),
    Setting("PETITION_CONFIRMATIONS_PER_HOUR", "300", "signature confirmations per IP address per hour"),
    Setting("PETITION_RESUBMITS_PER_HOUR", "20", "petition resubmissions per IP address per hour"),
    Setting(
        "PETITION_COUNT_CACHE_SECONDS",
        "2",
        "how long a process reuses a derived signature count and the public petition page and count built from it (`0` turns this off)",
    ),
    Setting("PETITION_NOTIFY_BATCH", "500", "debate emails queued per batch"),
    Setting(
        "PETITION_SCAN_MAX_BYTES",
        "10000000",
        "largest scan of a paper petition or bundle of sheets a moderator may upload (PDF, PNG or JPEG; the upload's request may be this plus 64 KB)",
    ),
)
