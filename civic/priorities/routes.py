"""Routes of the priorities feature, mounted at /priorities."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.priorities import data_routes as data
from civic.priorities import manage_routes as manage
from civic.priorities import progress_routes as progress
from civic.priorities import public_routes as public

routes: list[BaseRoute] = [
    Route("/", public.index, name="priorities_index"),
    Route("/manage", manage.dashboard, name="priorities_manage"),
    Route("/manage/new", manage.new_round_form, methods=["GET"]),
    Route("/manage/new", manage.create_round, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}", manage.show_round, methods=["GET"]),
    Route("/manage/rounds/{round_id:id}/state", manage.change_state, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/settings", manage.change_settings, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/candidates", manage.add_candidate, methods=["POST"]),
    Route(
        "/manage/rounds/{round_id:id}/candidates/{candidate_id:id}/remove",
        manage.remove_candidate,
        methods=["POST"],
    ),
    Route("/manage/rounds/{round_id:id}/suggestions/{suggestion_id:id}", manage.moderate, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/meetings", manage.add_meeting, methods=["POST"]),
    Route("/manage/rounds/{round_id:id}/publish", manage.publish, methods=["POST"]),
    Route("/manage/priorities/{priority_id:id}", progress.show_priority, methods=["GET"]),
    Route("/manage/priorities/{priority_id:id}", progress.update_priority, methods=["POST"]),
    Route("/rounds/{round_id:id}", public.round_page, name="priorities_round"),
    Route("/rounds/{round_id:id}/vote", public.vote_form, methods=["GET"]),
    Route("/rounds/{round_id:id}/vote", public.vote, methods=["POST"]),
    Route("/rounds/{round_id:id}/check-email", public.check_email),
    Route("/rounds/{round_id:id}/suggest", public.suggest_form, methods=["GET"]),
    Route("/rounds/{round_id:id}/suggest", public.suggest, methods=["POST"]),
    Route("/confirm/{token}", public.confirm_page, methods=["GET"]),
    Route("/confirm/{token}", public.confirm, methods=["POST"]),
    Route("/priority/{priority_id:id}", public.priority_page),
    Route("/data/priorities.json", data.all_priorities_json),
    Route("/data/priorities.csv", data.all_priorities_csv),
    Route("/data/results.csv", data.all_results_csv),
    Route("/{slug}.json", data.police_uk),
    Route("/{slug}/data.json", data.full_json),
    Route("/{slug}/priorities.csv", data.priorities_csv),
    Route("/{slug}/results.csv", data.results_csv),
    Route("/{slug}", public.neighbourhood, name="priorities_neighbourhood"),
]
