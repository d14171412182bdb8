"""Residents subscribe by email to a panel's agendas and decisions (double opt-in), and leave again."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.config import Settings
from civic.core.clock import now as clock_now
from civic.core.db import reading, transaction
from civic.core.deps import state
from civic.core.errors import TooManyRequests
from civic.core.forms import Errors, check_email, form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.identity import email_hash
from civic.core.net import client_ip
from civic.core.ratelimit import Limit, hit, limits_itself, rate_limited
from civic.core.templating import render_page
from civic.core.tokens import BadToken
from civic.panels import service_membership, service_subscriptions
from civic.panels.settings import PanelSettings

PER_ADDRESS = [Limit(3, 3600)]


def _per_ip(settings: Settings) -> list[Limit]:
    per_day = PanelSettings.of(settings).subscribes_per_ip_day
    return [Limit(max(1, per_day // 5), 600), Limit(per_day, 86_400)]


async def subscribe_form(request: Request) -> Response:
    async with reading(request) as session:
        panel = await service_membership.get_panel(session, request.path_params["slug"])
    return render_page(request, "panels/subscribe.html", {"panel": panel, "errors": {}, "email": ""})


@limits_itself("PANEL_SUBSCRIBES_PER_IP_DAY")
async def subscribe(request: Request) -> Response:
    slug = request.path_params["slug"]
    address = text(await read_form(request), "email")
    errors: Errors = {}
    check_email(errors, "email", address)
    now, settings = clock_now(request), state(request).settings
    retry_after = 0
    async with transaction(request) as session:
        panel = await service_membership.get_panel(session, slug)
        if not errors:
            by_ip = await hit(
                session, f"panels:subscribe:ip:{client_ip(request)}", _per_ip(settings), now=now
            )
            key = f"panels:subscribe:{panel.id}:{email_hash(settings.secret_key, address)}"
            by_address = await hit(session, key, PER_ADDRESS, now=now)
            retry_after = max(by_ip.retry_after, by_address.retry_after)
            if not retry_after:
                await service_subscriptions.request_subscription(
                    session, panel, address, settings=settings, mail=state(request).mail, now=now
                )
    if retry_after:  # raised outside the transaction so the counts it bumped are kept
        raise TooManyRequests(retry_after)
    if not errors:
        return RedirectResponse(f"/panels/{slug}/subscribe/check", status_code=303)
    context = {"panel": panel, **form_context(errors), "email": address}
    return render_page(request, "panels/subscribe.html", context, status_code=422)


async def check_email_page(request: Request) -> Response:
    async with reading(request) as session:
        panel = await service_membership.get_panel(session, request.path_params["slug"])
    return render_page(request, "panels/subscribe_check.html", {"panel": panel})


async def _token_page(request: Request, purpose: str, template: str) -> Response:
    token = request.query_params.get("token", "")
    try:
        async with reading(request) as session:
            subscription, panel = await service_subscriptions.peek(
                session, state(request).settings, purpose, token, now=clock_now(request)
            )
    except BadToken as exc:
        return render_page(request, "panels/link_problem.html", {"message": str(exc)}, status_code=400)
    if subscription is None:
        return render_page(
            request,
            "panels/link_problem.html",
            {"message": gettext("This link is not valid.")},
            status_code=400,
        )
    context = {"panel": panel, "subscription": subscription, "token": token}
    return render_page(request, template, context)


async def confirm_page(request: Request) -> Response:
    return await _token_page(request, service_subscriptions.CONFIRM, "panels/subscribe_confirm.html")


async def unsubscribe_page(request: Request) -> Response:
    return await _token_page(request, service_subscriptions.UNSUBSCRIBE, "panels/unsubscribe.html")


@rate_limited("PANEL_CONFIRMATIONS_PER_HOUR")
async def confirm(request: Request) -> Response:
    token = text(await read_form(request), "token")
    try:
        async with transaction(request) as session:
            subscription, panel = await service_subscriptions.confirm(
                session, state(request).settings, token, now=clock_now(request)
            )
    except BadToken as exc:
        return render_page(request, "panels/link_problem.html", {"message": str(exc)}, status_code=400)
    if subscription is None or panel is None:
        return render_page(
            request,
            "panels/link_problem.html",
            {"message": gettext("This link is not valid.")},
            status_code=400,
        )
    return RedirectResponse(f"/panels/{panel.slug}?subscribed={subscription.status.value}", status_code=303)


@rate_limited("PANEL_UNSUBSCRIBES_PER_HOUR")
async def unsubscribe(request: Request) -> Response:
    token = text(await read_form(request), "token")
    try:
        async with transaction(request) as session:
            subscription, panel = await service_subscriptions.unsubscribe(
                session, state(request).settings, token, now=clock_now(request)
            )
    except BadToken as exc:
        return render_page(request, "panels/link_problem.html", {"message": str(exc)}, status_code=400)
    if subscription is None or panel is None:
        return render_page(
            request,
            "panels/link_problem.html",
            {"message": gettext("This link is not valid.")},
            status_code=400,
        )
    return render_page(request, "panels/unsubscribed.html", {"panel": panel})
