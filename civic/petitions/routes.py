"""Petition routes: `routes` is mounted at /petitions; `top_level` holds the open-data paths that sit
beside the mount (/petitions, /petitions.json, /petitions.csv, /petitions.atom) and that app.py includes as plain routes."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.petitions import create, opendata, public, sign, staff

P = "/{petition_id:id}"

# The paths every visitor and every open petition page's poll hit come first: Starlette tries routes in
# order, and none of the others can match "/<number>..." paths.
routes: list[BaseRoute] = [
    Route(P + "/count", public.count_fragment, name="count"),
    Route(P, public.petition_page, name="show"),
    Route(P + "/sign", sign.sign_form, methods=["GET"], name="sign"),
    Route(P + "/sign", sign.sign_post, methods=["POST"]),
    Route("/", public.petition_list, name="list"),
    Route("/new", create.new_form, methods=["GET"], name="new"),
    Route("/new", create.new_step, methods=["POST"]),
    Route("/new/check-email", create.check_email, name="check_email"),
    Route("/confirm", sign.confirm_page, methods=["GET"], name="confirm"),
    Route("/confirm", sign.confirm_post, methods=["POST"]),
    Route("/moderation", staff.queue, name="moderation"),
    Route("/signatures-by-ward.json", opendata.wards_json, name="wards_json"),
    Route("/signatures-by-ward.csv", opendata.wards_csv, name="wards_csv"),
    Route(P + ".json", public.petition_json, name="json"),
    Route(P + "/thanks", public.thanks, name="thanks"),
    Route(P + "/signed", sign.signed, name="signed"),
    Route(P + "/support", sign.supporters, name="supporters"),
    Route(P + "/resubmit", create.resubmit_form, methods=["GET"], name="resubmit"),
    Route(P + "/resubmit", create.resubmit_post, methods=["POST"]),
    Route(P + "/moderate", staff.moderate_form, methods=["GET"], name="moderate"),
    Route(P + "/moderate", staff.moderate_post, methods=["POST"]),
    Route(P + "/remove", staff.remove, methods=["POST"], name="remove"),
    Route(P + "/response", staff.response_form, methods=["GET"], name="response"),
    Route(P + "/debate", staff.debate_form, methods=["GET"], name="debate"),
    Route(P + "/debate", staff.debate_post, methods=["POST"]),
    Route(P + "/signatures", staff.signatures, methods=["GET"], name="signatures"),
    Route(P + "/signatures", staff.invalidate, methods=["POST"]),
]

top_level: list[BaseRoute] = [
    Route("/petitions", public.petition_list, name="petitions"),  # no redirect to "/petitions/"
    Route("/petitions.json", public.list_json, name="petitions_json"),
    Route("/petitions.csv", public.list_csv, name="petitions_csv"),
    Route("/petitions.atom", opendata.atom, name="petitions_atom"),
]
