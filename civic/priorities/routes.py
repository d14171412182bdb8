"""Routes of the priorities feature, mounted at /priorities."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.priorities import (
    opendata,
    staff,
    staff_assisted,
    staff_paper,
    staff_progress,
    web,
    web_ballot,
    web_maps,
)

R = "/manage/rounds/{round_id:id}"

routes: list[BaseRoute] = [
    Route("/", web.index, name="priorities_index"),
    Route("/manage", staff.dashboard, name="priorities_manage"),
    Route("/manage/new", staff.new_round_form, methods=["GET"]),
    Route("/manage/new", staff.create_round, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}", staff.show_round, methods=["GET"]),
    Route("/manage/rounds/{round_id:id}/state", staff.change_state, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/settings", staff.change_settings, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/candidates", staff.add_candidate, methods=["POST"]),
    Route(
        "/manage/rounds/{round_id:id}/candidates/{candidate_id:id}/remove",
        staff.remove_candidate,
        methods=["POST"],
    ),
    Route("/manage/rounds/{round_id:id}/suggestions/{suggestion_id:id}", staff.moderate, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/meetings", staff.add_meeting, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/publish", staff.publish, methods=["POST"]),
    Route(R + "/paper", staff_paper.paper_batches, methods=["GET"]),
    Route(R + "/paper", staff_paper.create_batch, methods=["POST"]),
    Route(R + "/paper/{batch_id:id}", staff_paper.batch_page, methods=["GET"]),
    Route(R + "/paper/{batch_id:id}/entry", staff_paper.enter_sheets, methods=["POST"]),
    Route(R + "/paper/{batch_id:id}/resolve", staff_paper.settle_sheet, methods=["POST"]),
    Route(R + "/paper/{batch_id:id}/count", staff_paper.count_sheets, methods=["POST"]),
    Route(R + "/assisted", staff_assisted.assisted_form, methods=["GET"]),
    Route(R + "/assisted", staff_assisted.assisted_post, methods=["POST"]),
    Route(R + "/assisted/review", staff_assisted.review, methods=["GET"]),
    Route(R + "/assisted/{ballot_id:id}", staff_assisted.receipt, methods=["GET"]),
    Route("/manage/priorities/{priority_id:id}", staff_progress.show_priority, methods=["GET"]),
    Route("/manage/priorities/{priority_id:id}", staff_progress.update_priority, methods=["POST"]),
    Route("/rounds/{round_id:id}", web.round_page, name="priorities_round"),
    Route("/rounds/{round_id:id}/voters-by-ward.geojson", web_maps.round_geojson),
    Route("/rounds/{round_id:id}/ballot", web_ballot.paper_ballot, methods=["GET"]),
    Route("/rounds/{round_id:id}/vote", web.vote_form, methods=["GET"]),
    Route("/rounds/{round_id:id}/vote", web.vote, methods=["POST"]),
    Route("/rounds/{round_id:id}/check-email", web.check_email),
    Route("/rounds/{round_id:id}/suggest", web.suggest_form, methods=["GET"]),
    Route("/rounds/{round_id:id}/suggest", web.suggest, methods=["POST"]),
    Route("/confirm/{token}", web.confirm_page, methods=["GET"]),
    Route("/confirm/{token}", web.confirm, methods=["POST"]),
    Route("/priority/{priority_id:id}", web.priority_page),
    Route("/data/priorities.json", opendata.all_priorities_json),
    Route("/data/priorities.csv", opendata.all_priorities_csv),
    Route("/data/results.csv", opendata.all_results_csv),
    Route("/{slug}.json", opendata.police_uk),
    Route("/{slug}/data.json", opendata.full_json),
    Route("/{slug}/priorities.csv", opendata.priorities_csv),
    Route("/{slug}/results.csv", opendata.results_csv),
    Route("/{slug}", web.neighbourhood, name="priorities_neighbourhood"),
]
