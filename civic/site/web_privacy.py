"""The privacy notices (an overview and one per feature) and the cookies page.

Every line comes from the retention register through `civic/core/notices.py`, with each period read
from the setting its deletion job reads, so a notice cannot drift from what the code does.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.deps import settings
from civic.core.errors import NotFound
from civic.core.notices import (
    RIGHTS,
    controller,
    cookies,
    feature_notice,
    features_with_notices,
    overview,
    title_of,
)
from civic.core.templating import render_page


def _common(request: Request) -> dict[str, object]:
    return {
        "controller": controller(settings(request)),
        "rights": RIGHTS,
        "features": [(name, title_of(name)) for name in features_with_notices()],
    }


async def privacy_overview(request: Request) -> Response:
    context = {**_common(request), "notices": overview(settings(request))}
    return render_page(request, "site/privacy/overview.html", context)


async def privacy_notice(request: Request) -> Response:
    notice = feature_notice(str(request.path_params["feature"]), settings(request))
    if notice is None:
        raise NotFound()
    return render_page(request, "site/privacy/notice.html", {**_common(request), "notice": notice})


async def cookies_page(request: Request) -> Response:
    return render_page(request, "site/privacy/cookies.html", {"cookies": cookies(settings(request))})
