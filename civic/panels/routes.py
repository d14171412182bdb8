"""Routes of the community panels feature, mounted at /panels."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.panels import chair, clerk, clerk_agenda, clerk_meeting, clerk_reschedule, opendata, public, signup

GET, POST = ["GET"], ["POST"]

routes: list[BaseRoute] = [
    Route("/", public.panel_list, name="panels"),
    Route("/meetings.json", opendata.meetings_json, name="panel_meetings_json"),
    Route("/meetings.csv", opendata.meetings_csv, name="panel_meetings_csv"),
    Route("/decisions.json", opendata.decisions_json, name="panel_decisions_json"),
    Route("/decisions.csv", opendata.decisions_csv, name="panel_decisions_csv"),
    Route("/meetings/{meeting_id:id}", public.meeting_page, name="panel_meeting"),
    Route("/meetings/{meeting_id:id}/sign", chair.sign_minutes, methods=POST),
    Route("/decisions/{decision_id:id}", public.decision_page, name="panel_decision"),
    Route("/subscriptions/confirm", signup.confirm_page, methods=GET, name="panel_subscription_confirm"),
    Route("/subscriptions/confirm", signup.confirm, methods=POST),
    Route("/subscriptions/unsubscribe", signup.unsubscribe_page, methods=GET, name="panel_unsubscribe"),
    Route("/subscriptions/unsubscribe", signup.unsubscribe, methods=POST),
    # the clerk's pages
    Route("/manage", clerk.panel_list, methods=GET, name="panels_manage"),
    Route("/manage", clerk.create_panel, methods=POST),
    Route(
        "/manage/meetings/{meeting_id:id}",
        clerk_meeting.meeting_page,
        methods=GET,
        name="panels_manage_meeting",
    ),
    Route("/manage/meetings/{meeting_id:id}/items", clerk_agenda.add_item, methods=POST),
    Route(
        "/manage/meetings/{meeting_id:id}/items/{item_id:id}/remove", clerk_agenda.remove_item, methods=POST
    ),
    Route(
        "/manage/meetings/{meeting_id:id}/items/{item_id:id}/withdraw",
        clerk_agenda.withdraw_item,
        methods=POST,
    ),
    Route("/manage/meetings/{meeting_id:id}/publish-agenda", clerk_agenda.publish_agenda, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/reschedule", clerk_reschedule.reschedule_meeting, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/cancel", clerk_meeting.cancel_meeting, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/hold", clerk_meeting.hold_meeting, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/attendance", clerk_meeting.record_attendance, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/declarations", clerk_meeting.declare_interest, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/motions", clerk_meeting.record_motion, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/decisions", clerk_meeting.record_decision, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/draft-minutes", clerk_meeting.draft_minutes, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/minutes", clerk_meeting.edit_minutes, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/publish-minutes", clerk_meeting.publish_minutes, methods=POST),
    Route("/manage/meetings/{meeting_id:id}/corrections", clerk_meeting.correct_minutes, methods=POST),
    Route("/manage/actions/{action_id:id}", clerk.action_form, methods=GET, name="panels_manage_action"),
    Route("/manage/actions/{action_id:id}", clerk.update_action, methods=POST),
    Route("/manage/{slug}", clerk.panel_detail, methods=GET, name="panels_manage_panel"),
    Route("/manage/{slug}", clerk.update_panel, methods=POST),
    Route("/manage/{slug}/members", clerk.add_member, methods=POST),
    Route("/manage/{slug}/members/{member_id:id}/end", clerk.end_member, methods=POST),
    Route("/manage/{slug}/meetings", clerk.schedule_meeting, methods=POST),
    # a panel's own pages last, so its slug never hides the routes above
    Route("/{slug}", public.panel_page, name="panel"),
    Route("/{slug}/feed.atom", opendata.feed, name="panel_feed"),
    Route("/{slug}/meetings.ics", opendata.calendar, name="panel_calendar"),
    Route("/{slug}/subscribe", signup.subscribe_form, methods=GET, name="panel_subscribe"),
    Route("/{slug}/subscribe", signup.subscribe, methods=POST),
    Route("/{slug}/subscribe/check", signup.check_email_page, methods=GET),
]

# Beside the Mount, so the navigation's "/panels" is served without a redirect to "/panels/".
top_level: list[BaseRoute] = [Route("/panels", public.panel_list, name="panels_list")]
