"""Closing the loop across features: a petition goes to a community panel's decision, the council's
answer to the petition commits to an action, and once it is due the signers who asked for updates
are asked once whether it was done. Each step's page shows the one timeline."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.state import app_state
from civic.core.users import Role
from civic.panels import answers as panel_answers
from tests.conftest import PASSWORD, StaffFactory
from tests.panels import steps
from tests.panels.conftest import PanelSetup, setup  # noqa: F401  (fixture)
from tests.petitions.conftest import (  # noqa: F401  (fixtures)
    PetitionMaker,
    council_body,
    mail_app,
    mail_web,
    make_petition,
    settings,
)
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient

LINK = re.compile(r"http://testserver(/responses/commitments/commitment/\d+/answer/\S+)")


async def deliver(app: Any) -> None:
    while await app_state(app).worker.pass_once():
        pass


def timeline_rows(page: str) -> list[str]:
    """The timeline table's rows as plain text, oldest first."""
    assert "What happened to this ask" in page
    table = page.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody", 1)[1], re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows]


async def test_petition_to_panel_decision_to_committed_answer_to_was_it_done(
    mail_app: Any,  # noqa: F811
    mail_web: WebClient,  # noqa: F811
    db: Database,
    clock: FrozenClock,
    setup: PanelSetup,  # noqa: F811
    make_petition: PetitionMaker,  # noqa: F811
    council_body: None,  # noqa: F811
    make_staff: StaffFactory,
    smtp: SmtpServer,
) -> None:
    petition = await make_petition(response_threshold=5, debate_threshold=50)
    await make_petition.signatures(petition, 6, notify=True)
    await make_petition.signatures(petition, 3, notify=False)  # did not ask for emails
    await app_state(mail_app).worker.jobs_once(force=True)  # the response threshold is reached
    decision = await steps.decide(db, clock, setup)

    councillor = await make_staff(Role.COUNCILLOR, name="Cllr Dana Reid")
    await mail_web.login(councillor.email, PASSWORD)
    link = {"from_kind": "petition", "from_ref": str(petition.id), "to_kind": panel_answers.KIND}
    missing = await mail_web.post_form("/responses/links", {**link, "to_ref": "999"})
    assert missing.status_code == 422 and "There is no published community panel decision" in missing.text
    assert (
        await mail_web.post_form("/responses/links", {**link, "to_ref": str(decision.id)})
    ).status_code == 303
    saved = await mail_web.post_form(
        f"/responses/write/petition/{petition.id}",
        {"summary": "We will fix the lights.", "details": "All twelve lights will be replaced."},
    )
    response_path = saved.headers["location"].removesuffix("/preview")
    assert (await mail_web.post_form(f"{response_path}/publish", {})).status_code == 303
    due = clock.now().date() + timedelta(days=30)
    committed = await mail_web.post_form(
        f"{response_path}/commit",
        {
            "what": "Replace the twelve lights on Mill Road",
            "due_on-day": str(due.day),
            "due_on-month": str(due.month),
            "due_on-year": str(due.year),
        },
    )
    assert committed.status_code == 303
    await mail_web.logout()

    for page in (f"/petitions/{petition.id}", f"/panels/decisions/{decision.id}", response_path):
        rows = timeline_rows((await mail_web.get(page)).text)
        assert len(rows) == 5, (page, rows)
        assert any(r.startswith(tuple("0123456789")) and "Petition:" in r for r in rows)
        assert any("Community panel decision:" in r and "Grant £2,000 to the youth club" in r for r in rows)
        assert any("Answer: Answer to" in r and "Fernbridge Borough Council" in r for r in rows)
        [promise] = [r for r in rows if "Commitment:" in r]
        assert "Replace the twelve lights on Mill Road" in promise and due.strftime("%-d %B %Y") in promise
        assert "Late" not in promise
        # the panel's own action on its decision is a commitment too, read from the panel's tables
        assert any(
            "Panel action: Pay the grant" in r and "Fernbridge Central Community Panel" in r for r in rows
        )

    clock.advance(timedelta(days=31))
    rows = timeline_rows((await mail_web.get(response_path)).text)
    assert "Late" in next(r for r in rows if "Commitment:" in r)  # counted against the council
    await app_state(mail_app).worker.jobs_once(force=True)
    await app_state(mail_app).worker.jobs_once(force=True)
    await deliver(mail_app)
    asked = [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]
    assert len(asked) == 6 and len({m["To"] for m in asked}) == 6  # the six who asked, once each

    for message, said in zip(asked[:5], ("done", "done", "partly", "not_done", "done"), strict=True):
        found = LINK.search(body_of(message))
        assert found is not None
        sent = await mail_web.post_form(found.group(1), {"answer": said, "comment": ""})
        assert "Answer received" in sent.text
    page = (await mail_web.get(response_path)).text
    assert re.findall(r'govuk-table__cell--numeric">(\d+)</td>', page)[:3] == ["3", "1", "1"]
    card = (await mail_web.get("/responses/bodies/council")).text
    assert "70%, from 5 answers by the people who asked" in card  # (3 + 0.5) / 5
