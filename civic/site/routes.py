"""Routes for the site-wide pages."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.site import (
    staff,
    staff_outbox,
    web,
    web_account,
    web_login,
    web_operations,
    web_passkeys,
    web_records,
    web_twofactor,
)

routes: list[BaseRoute] = [
    Route("/", web.home, name="home"),
    Route("/accessibility", web.accessibility, name="accessibility"),
    Route("/healthz", web_operations.health, name="health"),
    Route("/readyz", web_operations.ready, name="ready"),
    Route("/metrics", web_operations.metrics, name="metrics"),
    Route("/login", web_login.login_form, methods=["GET"], name="login"),
    Route("/login", web_login.login, methods=["POST"]),
    Route("/logout", web_login.logout, methods=["POST"], name="logout"),
    Route("/login/code", web_twofactor.code_form, methods=["GET"], name="login_code"),
    Route("/login/code", web_twofactor.code, methods=["POST"]),
    Route("/login/passkey/options", web_passkeys.signin_options, methods=["POST"]),
    Route("/login/passkey", web_passkeys.signin, methods=["POST"]),
    Route("/account/passkeys/options", web_passkeys.register_options, methods=["POST"]),
    Route("/account/passkeys", web_passkeys.register_passkey, methods=["POST"]),
    Route("/account", web_account.account, methods=["GET"], name="account"),
    Route("/account/sessions/end-others", web_account.end_others, methods=["POST"]),
    Route("/account/passkeys/{passkey_id:id}/remove", web_account.remove_own_passkey, methods=["POST"]),
    Route("/account/recovery-codes", web_account.renew_codes, methods=["POST"]),
    Route("/account/authenticator", web_twofactor.enrol_form, methods=["GET"], name="enrol_totp"),
    Route("/account/authenticator", web_twofactor.enrol, methods=["POST"]),
    Route("/staff", staff.dashboard, name="staff_dashboard"),
    Route("/admin/staff", staff.staff_list, name="staff_list"),
    Route("/admin/outbox", staff_outbox.outbox_page, methods=["GET"], name="outbox_admin"),
    Route("/admin/outbox/retry-failed", staff_outbox.retry_failed, methods=["POST"]),
    Route("/admin/staff/new", staff.new_staff_form, methods=["GET"], name="staff_new"),
    Route("/admin/staff/new", staff.create_staff_member, methods=["POST"]),
    Route("/admin/staff/{user_id:id}", staff.staff_detail, methods=["GET"], name="staff_detail"),
    Route("/admin/staff/{user_id:id}", staff.update_staff, methods=["POST"]),
    Route("/audit", web_records.audit_log, name="audit_log"),
    Route("/dev/mailbox", web_records.mailbox, name="dev_mailbox"),
]
