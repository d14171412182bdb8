"""Routes of the residents' surveys feature, mounted at /surveys."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.surveys import opendata, staff, staff_paper, web, web_confirm

GET, POST = ["GET"], ["POST"]

routes: list[BaseRoute] = [
    Route("/", web.survey_list, name="surveys"),
    Route("/results.json", opendata.results_json, name="survey_results_json"),
    Route("/results.csv", opendata.results_csv, name="survey_results_csv"),
    Route("/confirm", web_confirm.confirm_page, methods=GET, name="survey_confirm"),
    Route("/confirm", web_confirm.confirm, methods=POST),
    # staff pages
    Route("/manage", staff.survey_list, methods=GET, name="surveys_manage"),
    Route("/manage", staff.create_survey, methods=POST),
    Route("/manage/{survey_id:id}", staff.survey_detail, methods=GET, name="surveys_manage_survey"),
    Route("/manage/{survey_id:id}/open", staff.open_survey, methods=POST),
    Route("/manage/{survey_id:id}/close", staff.close_survey, methods=POST),
    Route("/manage/{survey_id:id}/codes", staff.make_codes, methods=POST),
    Route("/manage/{survey_id:id}/paper", staff_paper.add_batch, methods=POST),
    Route("/manage/paper/{batch_id:id}", staff_paper.batch_page, methods=GET, name="surveys_manage_paper"),
    Route("/manage/paper/{batch_id:id}/enter", staff_paper.enter, methods=POST),
    Route("/manage/paper/{batch_id:id}/resolve", staff_paper.resolve, methods=POST),
    Route("/manage/paper/{batch_id:id}/count", staff_paper.count, methods=POST),
    # a survey's own pages last, so its slug never hides the routes above
    Route("/{slug}", web.survey_page, methods=GET, name="survey"),
    Route("/{slug}", web.answer, methods=POST),
    Route("/{slug}/check", web.check_email_page, methods=GET),
    Route("/{slug}/thanks", web.thanks_page, methods=GET),
    Route("/{slug}/results", web.results_page, methods=GET, name="survey_results"),
]

# Beside the Mount, so the navigation's "/surveys" is served without a redirect to "/surveys/".
top_level: list[BaseRoute] = [Route("/surveys", web.survey_list, name="surveys_list")]
