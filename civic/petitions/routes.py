"""Petition routes: `routes` is mounted at /petitions; `top_level` holds the open-data paths that sit
beside the mount (/petitions, /petitions.json, /petitions.csv, /petitions.atom) and that app.py includes as plain routes."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.core.security import Upload
from civic.petitions import (
    opendata,
    staff,
    staff_assisted,
    staff_paper,
    staff_paper_petition,
    staff_scans,
    staff_versions,
    web,
    web_create,
    web_maps,
    web_sheet,
    web_sign,
)

P = "/{petition_id:id}"
# The POSTs that carry a scan of paper sheets, whose bodies may reach PETITION_SCAN_MAX_BYTES.
UPLOADS = (
    Upload(r"/paper/new", "PETITION_SCAN_MAX_BYTES"),
    Upload(r"/[0-9]+/paper/scans", "PETITION_SCAN_MAX_BYTES"),
)

# The paths every visitor and every open petition page's poll hit come first: Starlette tries routes in
# order, and none of the others can match "/<number>..." paths.
routes: list[BaseRoute] = [
    Route(P + "/count", web.count_fragment, name="count"),
    Route(P, web.petition_page, name="show"),
    Route(P + "/sign", web_sign.sign_form, methods=["GET"], name="sign"),
    Route(P + "/sign", web_sign.sign_post, methods=["POST"]),
    Route("/", web.petition_list, name="list"),
    Route("/new", web_create.new_form, methods=["GET"], name="new"),
    Route("/new", web_create.new_step, methods=["POST"]),
    Route("/new/check-email", web_create.check_email, name="check_email"),
    Route("/confirm", web_sign.confirm_page, methods=["GET"], name="confirm"),
    Route("/confirm", web_sign.confirm_post, methods=["POST"]),
    Route("/moderation", staff.queue, name="moderation"),
    Route("/paper/new", staff_paper_petition.new_form, methods=["GET"], name="paper_new"),
    Route("/paper/new", staff_paper_petition.new_post, methods=["POST"]),
    Route("/signatures-by-ward.json", opendata.wards_json, name="wards_json"),
    Route("/signatures-by-ward.csv", opendata.wards_csv, name="wards_csv"),
    Route(P + ".json", web.petition_json, name="json"),
    Route(P + "/signatures-by-ward.geojson", web_maps.petition_geojson, name="geojson"),
    Route(P + "/thanks", web.thanks, name="thanks"),
    Route(P + "/signed", web_sign.signed, name="signed"),
    Route(P + "/support", web_sign.supporters, name="supporters"),
    Route(P + "/resubmit", web_create.resubmit_form, methods=["GET"], name="resubmit"),
    Route(P + "/resubmit", web_create.resubmit_post, methods=["POST"]),
    Route(P + "/moderate", staff.moderate_form, methods=["GET"], name="moderate"),
    Route(P + "/moderate", staff.moderate_post, methods=["POST"]),
    Route(P + "/versions", staff_versions.versions_form, methods=["GET"], name="versions"),
    Route(P + "/versions", staff_versions.versions_post, methods=["POST"]),
    Route(P + "/remove", staff.remove, methods=["POST"], name="remove"),
    Route(P + "/response", staff.response_form, methods=["GET"], name="response"),
    Route(P + "/debate", staff.debate_form, methods=["GET"], name="debate"),
    Route(P + "/debate", staff.debate_post, methods=["POST"]),
    Route(P + "/signatures", staff.signatures, methods=["GET"], name="signatures"),
    Route(P + "/signatures", staff.invalidate, methods=["POST"]),
    Route(P + "/sheet", web_sheet.blank_sheet, name="sheet"),
    Route(P + "/assisted", staff_assisted.assisted_form, methods=["GET"], name="assisted"),
    Route(P + "/assisted", staff_assisted.assisted_post, methods=["POST"]),
    Route(P + "/assisted/{signature_id:id}", staff_assisted.receipt, name="assisted_receipt"),
    Route(P + "/paper", staff_paper.paper_page, methods=["GET"], name="paper"),
    Route(P + "/paper", staff_paper.add_batch, methods=["POST"]),
    Route(P + "/paper/decide", staff_paper.decide, methods=["POST"], name="paper_decide"),
    Route(P + "/paper/scans", staff_scans.upload, methods=["POST"], name="paper_scans"),
    Route(P + "/paper/scans/{scan_id:id}", staff_scans.download, methods=["GET"], name="paper_scan"),
    Route(
        P + "/paper/scans/{scan_id:id}/delete", staff_scans.delete, methods=["POST"], name="paper_scan_delete"
    ),
    Route(P + "/paper/{batch_id:id}", staff_paper.batch_page, name="paper_batch"),
    Route(P + "/paper/{batch_id:id}/entry", staff_paper.enter, methods=["POST"], name="paper_entry"),
    Route(P + "/paper/{batch_id:id}/resolve", staff_paper.resolve, methods=["POST"], name="paper_resolve"),
    Route(P + "/paper/{batch_id:id}/count", staff_paper.count, methods=["POST"], name="paper_count"),
]

top_level: list[BaseRoute] = [
    Route("/petitions", web.petition_list, name="petitions"),  # no redirect to "/petitions/"
    Route("/petitions.json", web.list_json, name="petitions_json"),
    Route("/petitions.csv", web.list_csv, name="petitions_csv"),
    Route("/petitions.atom", opendata.atom, name="petitions_atom"),
]
