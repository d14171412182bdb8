"""Every column that looks like personal data has a retention rule in the register.

The heuristic reads every table in the models' metadata: a column whose name says it holds an email,
a name, an address, a postcode, an IP address or a browser, or a long text column (where residents
write freely), must be declared in a `PersonalData` entry or be on `NOT_PERSONAL` below with a reason.
"""

from __future__ import annotations

import re

from sqlalchemy import Column, String, Text
from sqlmodel import SQLModel

import civic.features  # noqa: F401 - every table
from civic.config import all_settings, register
from civic.core import privacy
from civic.core.jobs import REGISTRY
from civic.core.privacy_core import SETTINGS as CORE_SETTINGS

PERSONAL_NAME = re.compile(
    r"(^|_)(e?mail|name|address|postcode|ip|ip_address|user_agent|browser|phone|comment|body|text|details?|note)(_|$)"
)
LONG_TEXT = 300  # a free-text column at least this long may hold what a resident wrote

# Columns the heuristic flags that hold no personal data, with why. Keep the reason honest.
NOT_PERSONAL: dict[str, str] = {
    "job_lease.name": "a job's name",
    "content_version.text": "a version in another language of published text (a petition, an answer, a decision), written by staff",
    "postcode.postcode": "the reference list of the area's postcodes, linked to no one",
    "response.body_slug": "the answering body",
    "response_commitment.body_slug": "the body that made the commitment",
    "ward_boundary.geometry_json": "a ward's published outline",
    "ward_boundary.path": "a ward's outline drawn as SVG",
    "response_rating.comment_state": "a moderation state",
    "response_commitment_answer.comment_state": "a moderation state",
    "ward.name": "a ward's name",
    "neighbourhood.name": "a neighbourhood's name",
    "budget_area.name": "an area's name",
    "panel.name": "a panel's name",
    "survey.area_name": "an area's name",
    "survey_paper_entry.answers": "answer numbers typed from anonymous paper survey forms",
    "panel.area_name": "an area's name",
    "panel.purpose": "written by staff",
    "panel.terms_of_reference": "written by staff",
    "response_body.name": "a council body's name",
    "response_body.description": "written by staff",
    "budget_process.description": "written by staff",
    "budget_proposal.summary": "written by staff from ideas, published",
    "budget_proposal.reason": "staff's feasibility reason",
    "budget_delivery_update.text": "written by staff, published",
    "budget_code_batch.void_reason": "written by staff",
    "budget_override.reason": "written by staff",
    "budget_paper_entry.choices": "project numbers from anonymous paper ballots",
    "budget_result.outcome_json": "counts and project numbers",
    "count_record.manifest_json": "a published count's rule, parameters and file digests",
    "count_record.files_json": "anonymised ballots (choices only: no code, hash, ward, age or date) and the result",
    "job_lease.last_result": "a job's summary line",
    "outbox_message.last_error": "the mail server's reply",
    "panel_meeting.online_url": "a meeting link",
    "panel_meeting.urgency_reason": "written by staff",
    "panel_meeting.cancelled_reason": "written by staff",
    "panel_meeting_change.old_online_url": "a meeting link",
    "panel_meeting_change.new_online_url": "a meeting link",
    "panel_meeting_change.reason": "written by staff",
    "panel_meeting_change.urgency_reason": "written by staff",
    "panel_agenda_item.body": "written by staff, published",
    "panel_agenda_item.exempt_reason": "written by staff",
    "panel_agenda_item.late_reason": "written by staff",
    "panel_agenda_item.withdrawn_reason": "written by staff",
    "panel_minutes_version.body": "the published minutes, written by the clerk",
    "panel_minutes_version.correction_note": "written by the clerk",
    "panel_motion.text": "a motion, published",
    "panel_decision.text": "a decision, published",
    "panel_decision.reasons": "a decision's reasons, published",
    "panel_decision.alternatives": "a decision's alternatives, published",
    "panel_declaration.nature": "a member's declared interest, published as the law requires",
    "panel_action.description": "written by staff, published",
    "panel_action_update.note": "written by staff, published",
    "petition_debate.outcome": "the published debate outcome",
    "petition_debate.minutes_url": "a link",
    "petition_debate.video_url": "a link",
    "petition.rejection_details": "the moderator's published reason",
    "petition_signature.invalidation_reason": "written by staff about a batch of signatures",
    "priorities_candidate.description": "written by staff, published",
    "priorities_priority.description": "written by staff, published",
    "priorities_priority.target": "written by staff, published",
    "priorities_suggestion.decline_reason": "written by staff",
    "priorities_update.text": "written by staff, published",
    "priorities_round.override_reason": "written by staff",
    "priorities_round.wards_json": "ward codes",
    "priorities_meeting.place": "a public meeting's place",
    "priorities_meeting.address": "a public venue's address, written by staff, published",
    "priorities_meeting.agenda": "written by staff, published",
    "priorities_meeting.notes": "written by staff after a public meeting, published; numbers, never names",
    "response.target_title": "the title of what is answered",
    "response.draft_details": "a staff draft of the council's answer",
    "response.draft_reason": "written by staff",
    "response_version.details": "the council's published answer",
    "response_version.reason": "written by staff",
}


def _looks_personal(column: Column[object]) -> bool:
    if PERSONAL_NAME.search(column.name):
        return True
    kind = column.type
    return isinstance(kind, Text) or (isinstance(kind, String) and (kind.length or 0) >= LONG_TEXT)


def _missing() -> list[str]:
    declared = privacy.declared_columns()
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            key = f"{table.name}.{column.name}"
            if (
                _looks_personal(column)
                and (table.name, column.name) not in declared
                and key not in NOT_PERSONAL
            ):
                found.append(key)
    return found


def test_every_personal_data_column_has_a_retention_rule() -> None:
    missing = _missing()
    assert not missing, (
        "These columns look like personal data but the retention register does not declare them: "
        + ", ".join(missing)
        + ".\nAdd a PersonalData(table=..., columns=(...), what=..., purpose=..., basis=Basis..., who_sees=..., "
        "retention=Retention(_l('deleted %(period)s after ...'), setting='<A_DAYS_SETTING>', job='<the job that deletes it>')) "
        "entry to the feature's privacy.py PERSONAL_DATA (named by its Feature(personal_data=...)), or for a core "
        "table to CORE_PERSONAL_DATA in civic/core/privacy_core.py. If a column holds no personal data, add "
        "'table.column': 'why' to NOT_PERSONAL in tests/core/test_privacy_register.py."
    )


def test_the_allow_list_names_only_real_undeclared_columns() -> None:
    columns = {f"{t.name}.{c.name}" for t in SQLModel.metadata.sorted_tables for c in t.columns}
    declared = {f"{table}.{column}" for table, column in privacy.declared_columns()}
    assert not set(NOT_PERSONAL) - columns, "NOT_PERSONAL names columns that no longer exist"
    assert not set(NOT_PERSONAL) & declared, "a column is both declared and on NOT_PERSONAL"


def test_every_declared_column_exists() -> None:
    columns = {(t.name, c.name) for t in SQLModel.metadata.sorted_tables for c in t.columns}
    assert privacy.declared_columns() <= columns, privacy.declared_columns() - columns


def test_every_rule_names_a_real_setting_and_job() -> None:
    register(*CORE_SETTINGS)
    names = {s.name for s in all_settings()}
    for entry in privacy.REGISTER:
        rule = entry.retention
        assert (rule.setting is None) == ("%(period)s" not in getattr(rule.rule, "message", rule.rule)), (
            entry.table
        )
        if rule.setting is not None:
            assert rule.setting in names, f"{entry.table}: {rule.setting} is not a setting"
            assert rule.job in REGISTRY, f"{entry.table}: no job called {rule.job}"
