"""Routes for responses: public pages, residents' links, staff pages, open data."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.responses import bodies, data, public, residents, staff

routes: list[BaseRoute] = [
    Route("/", public.index, name="index"),
    Route("/overdue", public.overdue, name="overdue"),
    Route("/report-cards", public.report_cards, name="report_cards"),
    Route("/bodies", bodies.bodies_page, methods=["GET"], name="bodies"),
    Route("/bodies", bodies.add_body, methods=["POST"]),
    Route("/bodies/{slug}", public.body_card, name="body_card"),
    Route("/wards/{code}", public.ward_card, name="ward_card"),
    Route("/queue", staff.queue, name="queue"),
    Route("/comments", staff.comments, name="comments"),
    Route("/comments/{rating_id:id}", staff.moderate, methods=["POST"], name="moderate"),
    Route("/write/{kind}/{target_id:id}", staff.write_form, methods=["GET"], name="write"),
    Route("/write/{kind}/{target_id:id}", staff.save, methods=["POST"]),
    Route("/follow/confirmed", residents.follow_confirmed, name="follow_confirmed"),
    Route("/follow/confirm/{token}", residents.confirm_follow_page, methods=["GET"], name="confirm_follow"),
    Route("/follow/confirm/{token}", residents.confirm_follow, methods=["POST"]),
    Route("/follow/{kind}/{target_id:id}", residents.follow_form, methods=["GET"], name="follow"),
    Route("/follow/{kind}/{target_id:id}", residents.follow, methods=["POST"]),
    Route("/unsubscribe/{token}", residents.unsubscribe_page, methods=["GET"], name="unsubscribe"),
    Route("/unsubscribe/{token}", residents.unsubscribe, methods=["POST"]),
    Route("/{response_id:id}", public.detail, name="detail"),
    Route("/{response_id:id}/preview", staff.preview, name="preview"),
    Route("/{response_id:id}/publish", staff.publish, methods=["POST"], name="publish"),
    Route("/{response_id:id}/rate/{token}", residents.rate_form, methods=["GET"], name="rate"),
    Route("/{response_id:id}/rate/{token}", residents.rate, methods=["POST"]),
]

top_level: list[BaseRoute] = [
    Route("/responses.json", data.as_json, name="responses_json"),
    Route("/responses.csv", data.as_csv, name="responses_csv"),
    Route("/responses.atom", data.as_atom, name="responses_atom"),
    Route("/data", data.hub, name="open_data"),
]
