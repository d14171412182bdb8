"""Routes for responses: public pages, residents' links, staff pages, open data."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.responses import (
    opendata,
    staff,
    staff_bodies,
    staff_commitments,
    staff_links,
    web,
    web_checkback,
    web_maps,
    web_residents,
)

routes: list[BaseRoute] = [
    Route("/", web.index, name="index"),
    Route("/overdue", web.overdue, name="overdue"),
    Route("/report-cards", web.report_cards, name="report_cards"),
    Route("/report-cards/wards.geojson", web_maps.ward_cards_geojson),
    Route("/bodies", staff_bodies.bodies_page, methods=["GET"], name="bodies"),
    Route("/bodies", staff_bodies.add_body, methods=["POST"]),
    Route("/bodies/{slug}", web.body_card, name="body_card"),
    Route("/bodies/{slug}/commitments", web.commitments, name="body_commitments"),
    Route("/wards/{code}/commitments", web.commitments, name="ward_commitments"),
    Route("/wards/{code}", web.ward_card, name="ward_card"),
    Route("/queue", staff.queue, name="queue"),
    Route("/comments", staff.comments, name="comments"),
    Route("/comments/{rating_id:id}", staff.moderate, methods=["POST"], name="moderate"),
    Route("/comments/done/{answer_id:id}", staff.moderate_done, methods=["POST"], name="moderate_done"),
    Route("/links", staff_links.links_page, methods=["GET"], name="links"),
    Route("/links", staff_links.add_link, methods=["POST"]),
    Route("/commitments/{kind}/{ref:id}", web_checkback.commitment_page, name="commitment_page"),
    Route(
        "/commitments/{kind}/{ref:id}/answer/{token}",
        web_checkback.answer_form,
        methods=["GET"],
        name="was_it_done",
    ),
    Route("/commitments/{kind}/{ref:id}/answer/{token}", web_checkback.answer, methods=["POST"]),
    Route("/write/{kind}/{target_id:id}", staff.write_form, methods=["GET"], name="write"),
    Route("/write/{kind}/{target_id:id}", staff.save, methods=["POST"]),
    Route("/follow/confirmed", web_residents.follow_confirmed, name="follow_confirmed"),
    Route(
        "/follow/confirm/{token}", web_residents.confirm_follow_page, methods=["GET"], name="confirm_follow"
    ),
    Route("/follow/confirm/{token}", web_residents.confirm_follow, methods=["POST"]),
    Route("/follow/{kind}/{target_id:id}", web_residents.follow_form, methods=["GET"], name="follow"),
    Route("/follow/{kind}/{target_id:id}", web_residents.follow, methods=["POST"]),
    Route("/unsubscribe/{token}", web_residents.unsubscribe_page, methods=["GET"], name="unsubscribe"),
    Route("/unsubscribe/{token}", web_residents.unsubscribe, methods=["POST"]),
    Route("/{response_id:id}", web.detail, name="detail"),
    Route("/{response_id:id}/preview", staff.preview, name="preview"),
    Route("/{response_id:id}/commit", staff_commitments.commit_form, methods=["GET"], name="commit"),
    Route("/{response_id:id}/commit", staff_commitments.commit, methods=["POST"]),
    Route("/{response_id:id}/commitment", staff_commitments.update_form, methods=["GET"], name="commitment"),
    Route("/{response_id:id}/commitment", staff_commitments.update, methods=["POST"]),
    Route("/{response_id:id}/publish", staff.publish, methods=["POST"], name="publish"),
    Route("/{response_id:id}/rate/{token}", web_residents.rate_form, methods=["GET"], name="rate"),
    Route("/{response_id:id}/rate/{token}", web_residents.rate, methods=["POST"]),
]

top_level: list[BaseRoute] = [
    Route("/responses.json", opendata.as_json, name="responses_json"),
    Route("/responses.csv", opendata.as_csv, name="responses_csv"),
    Route("/responses.atom", opendata.as_atom, name="responses_atom"),
    Route("/data", opendata.hub, name="open_data"),
]
