"""Routes of the community panels feature, mounted at /panels."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.panels import (
    opendata,
    staff,
    staff_agenda,
    staff_chair,
    staff_decisions,
    staff_meeting,
    staff_reschedule,
    web,
    web_signup,
)

GET, POST = ["GET"], ["POST"]

routes: list[BaseRoute] = [
    Route("/", web.panel_list, name="panels"),
    Route("/meetings.json", opendata.meetings_json, name="panel_meetings_json"),
    Route("/meetings.csv", opendata.meetings_csv, name="panel_meetings_csv"),
    Route("/decisions.json", opendata.decisions_json, name="panel_decisions_json"),
    Route("/decisions.csv", opendata.decisions_csv, name="panel_decisions_csv"),
    Route("/meetings/{meeting_id:id}", web.meeting_page, name="panel_meeting"),
    Route("/meetings/{meeting_id:id}/sign", staff_chair.sign_minutes, methods=POST),
    Route("/decisions/{decision_id:id}", web.decision_page, name="panel_decision"),
    Route("/subscriptions/confirm", web_signup.confirm_page, methods=GET, name="panel_subscription_confirm"),
    Route("/subscriptions/confirm", web_signup.confirm, methods=POST),
    Route("/subscriptions/unsubscribe", web_signup.unsubscribe_page, methods=GET, name="panel_unsubscribe"),
    Route("/subscriptions/unsubscribe", web_signup.unsubscribe, methods=POST),
    # the clerk's pages
    Route("/manage", staff.panel_list, methods=GET, name="panels_manage"),
    Route("/manage", staff.create_panel, methods=POST),
    Route(
        "/manage/meetings/{meeting_id:id}",
        staff_meeting.meeting_page,
        methods=GET,
        name="panels_manage_meeting",
    ),
    Route("/manage/meetings/{meeting_id:id}/items", staff_agenda.add_item, methods=POST),
    Route(
        "/manage/meetings/{meeting_id:id}/items/{item_id:id}/remove", staff_agenda.remove_item, methods=POST
    ),
    Route(
        "/manage/meetings/{meeting_id:id}/items/{item_id:id}/withdraw",
        staff_agenda.withdraw_item,
        methods=POST,
    ),
    Route("/manage/meetings/{meeting_id:id}/publish-agenda", staff_agenda.publish_agenda, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/reschedule", staff_reschedule.reschedule_meeting, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/cancel", staff_meeting.cancel_meeting, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/hold", staff_meeting.hold_meeting, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/attendance", staff_meeting.record_attendance, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/declarations", staff_meeting.declare_interest, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/motions", staff_meeting.record_motion, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/decisions", staff_meeting.record_decision, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/draft-minutes", staff_meeting.draft_minutes, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/minutes", staff_meeting.edit_minutes, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/publish-minutes", staff_meeting.publish_minutes, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/corrections", staff_meeting.correct_minutes, methods=POST),
    Route(
        "/manage/decisions/{decision_id:id}/versions",
        staff_decisions.versions_form,
        methods=GET,
        name="panels_manage_decision_versions",
    ),
    Route("/manage/decisions/{decision_id:id}/versions", staff_decisions.save_versions, methods=POST),
    Route("/manage/actions/{action_id:id}", staff.action_form, methods=GET, name="panels_manage_action"),
    Route("/manage/actions/{action_id:id}", staff.update_action, methods=POST),
    Route("/manage/{slug}", staff.panel_detail, methods=GET, name="panels_manage_panel"),
    Route("/manage/{slug}", staff.update_panel, methods=POST),
    Route("/manage/{slug}/members", staff.add_member, methods=POST),
    Route("/manage/{slug}/members/{member_id:id}/end", staff.end_member, methods=POST),
    Route("/manage/{slug}/meetings", staff.schedule_meeting, methods=POST),
    # a panel's own pages last, so its slug never hides the routes above
    Route("/{slug}", web.panel_page, name="panel"),
    Route("/{slug}/feed.atom", opendata.feed, name="panel_feed"),
    Route("/{slug}/meetings.ics", opendata.calendar, name="panel_calendar"),
    Route("/{slug}/subscribe", web_signup.subscribe_form, methods=GET, name="panel_subscribe"),
    Route("/{slug}/subscribe", web_signup.subscribe, methods=POST),
    Route("/{slug}/subscribe/check", web_signup.check_email_page, methods=GET),
]

# Beside the Mount, so the navigation's "/panels" is served without a redirect to "/panels/".
top_level: list[BaseRoute] = [Route("/panels", web.panel_list, name="panels_list")]
