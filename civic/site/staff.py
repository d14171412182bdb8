"""Staff dashboard and the admin pages that manage staff accounts."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core.areas import list_neighbourhoods, list_wards
from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, staff, state
from civic.core.duties import Duty, has_duty, set_duty
from civic.core.errors import NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.home import links_for
from civic.core.i18n import gettext
from civic.core.staff import change_role, create_staff, parse_role, set_disabled, set_password
from civic.core.templating import render_page
from civic.core.twofactor import reset_second_factor
from civic.core.users import Role, StaffUser, UserError, get_user, list_users, ward_codes_of


async def dashboard(request: Request) -> Response:
    user = staff(request)
    async with reading(request) as session:
        data_protection = await has_duty(session, user, Duty.DATA_PROTECTION)
    context = {"staff": user, "staff_links": links_for(user.role.value), "data_protection": data_protection}
    return render_page(request, "site/staff_dashboard.html", context)


async def staff_list(request: Request) -> Response:
    staff(request, Role.ADMIN)
    async with reading(request) as session:
        users = await list_users(session)
    return render_page(request, "site/staff_list.html", {"users": users})


async def _choices(request: Request) -> dict[str, Any]:
    async with reading(request) as session:
        return {
            "ward_pairs": [(w.code, w.name) for w in await list_wards(session)],
            "neighbourhood_pairs": [
                ("", gettext("None")),
                *((n.slug, n.name) for n in await list_neighbourhoods(session)),
            ],
            "role_pairs": [(r.value, r.label) for r in Role],
        }


async def _form_page(
    request: Request, template: str, context: dict[str, Any], errors: Errors, status: int
) -> Response:
    context = {
        **(await _choices(request)),
        **context,
        **form_context(errors),
    }
    return render_page(request, template, context, status_code=status)


async def new_staff_form(request: Request) -> Response:
    staff(request, Role.ADMIN)
    return await _form_page(request, "site/staff_new.html", {"values": {}, "selected_wards": []}, {}, 200)


async def create_staff_member(request: Request) -> Response:
    actor = staff(request, Role.ADMIN)
    form = await read_form(request)
    values = {key: text(form, key) for key in ("email", "name", "role", "password", "neighbourhood", "party")}
    wards = [str(w) for w in form.getlist("wards")]
    try:
        role = parse_role(values["role"])
        async with transaction(request) as session:
            user = await create_staff(
                session,
                actor=actor,
                email=values["email"],
                name=values["name"],
                role=role,
                password=values["password"],
                now=now(request),
                wards=wards,
                neighbourhood=values["neighbourhood"] or None,
                party=values["party"] or None,
                hash_cost=state(request).settings.password_hash_cost,
            )
    except UserError as exc:
        values["password"] = ""
        context = {"values": values, "selected_wards": wards}
        return await _form_page(request, "site/staff_new.html", context, {"email": str(exc)}, 422)
    return RedirectResponse(f"/admin/staff/{user.id}?created=1", status_code=303)


async def _load(request: Request) -> StaffUser:
    user_id = path_id(request, "user_id")
    async with reading(request) as session:
        user = await get_user(session, user_id)
    if user is None:
        raise NotFound()
    return user


async def staff_detail(request: Request) -> Response:
    staff(request, Role.ADMIN)
    user = await _load(request)
    async with reading(request) as session:
        wards = await ward_codes_of(session, path_id(request, "user_id"))
        duty = await has_duty(session, user, Duty.DATA_PROTECTION)
    context = {"member": user, "selected_wards": wards, "holds_duty": duty}
    return await _form_page(request, "site/staff_detail.html", context, {}, 200)


async def update_staff(request: Request) -> Response:
    actor = staff(request, Role.ADMIN)
    user_id = (await _load(request)).id
    form = await read_form(request)
    action = text(form, "action")
    try:
        async with transaction(request) as session:
            user = await session.get(StaffUser, user_id)
            assert user is not None
            await _apply(request, session, actor, user, action, form)
    except UserError as exc:
        member = await _load(request)  # reloaded: the failed transaction expired the old copy
        async with reading(request) as session:
            wards = await ward_codes_of(session, user_id or 0)
            duty = await has_duty(session, member, Duty.DATA_PROTECTION)
        context = {"member": member, "selected_wards": wards, "holds_duty": duty}
        field = {
            "disable": "disable",
            "enable": "disable",
            "password": "password",
            "reset_second_factor": "reset",
            "grant_duty": "duty",
            "remove_duty": "duty",
        }.get(action, "role")
        return await _form_page(request, "site/staff_detail.html", context, {field: str(exc)}, 422)
    return RedirectResponse(f"/admin/staff/{user_id}?saved={action}", status_code=303)


async def _apply(
    request: Request, session: AsyncSession, actor: StaffUser, user: StaffUser, action: str, form: FormData
) -> None:
    at, cost = now(request), state(request).settings.password_hash_cost
    if action == "role":
        wards = [str(w) for w in form.getlist("wards")]
        neighbourhood = text(form, "neighbourhood") or None
        role = parse_role(text(form, "role"))
        await change_role(
            session, user, actor=actor, role=role, now=at, wards=wards, neighbourhood=neighbourhood
        )
    elif action in {"disable", "enable"}:
        reason = text(form, "reason")
        await set_disabled(session, user, actor=actor, disabled=action == "disable", now=at, reason=reason)
    elif action == "password":
        await set_password(
            session, user, actor=actor, password=text(form, "password"), now=at, hash_cost=cost
        )
    elif action == "reset_second_factor":
        await reset_second_factor(session, user, actor=actor, mail=state(request).mail, now=at)
    elif action in {"grant_duty", "remove_duty"}:
        held = action == "grant_duty"
        await set_duty(session, user, Duty.DATA_PROTECTION, held=held, actor=actor, now=at)
    else:
        raise UserError(gettext("Choose what to change"))
