"""Routes for the site-wide pages."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from civic.site import login, operations, outbox_admin, pages, records, staff_admin

routes: list[BaseRoute] = [
    Route("/", pages.home, name="home"),
    Route("/accessibility", pages.accessibility, name="accessibility"),
    Route("/healthz", operations.health, name="health"),
    Route("/readyz", operations.ready, name="ready"),
    Route("/metrics", operations.metrics, name="metrics"),
    Route("/login", login.login_form, methods=["GET"], name="login"),
    Route("/login", login.login, methods=["POST"]),
    Route("/logout", login.logout, methods=["POST"], name="logout"),
    Route("/staff", staff_admin.dashboard, name="staff_dashboard"),
    Route("/admin/staff", staff_admin.staff_list, name="staff_list"),
    Route("/admin/outbox", outbox_admin.outbox_page, methods=["GET"], name="outbox_admin"),
    Route("/admin/outbox/retry-failed", outbox_admin.retry_failed, methods=["POST"]),
    Route("/admin/staff/new", staff_admin.new_staff_form, methods=["GET"], name="staff_new"),
    Route("/admin/staff/new", staff_admin.create_staff_member, methods=["POST"]),
    Route("/admin/staff/{user_id:id}", staff_admin.staff_detail, methods=["GET"], name="staff_detail"),
    Route("/admin/staff/{user_id:id}", staff_admin.update_staff, methods=["POST"]),
    Route("/audit", records.audit_log, name="audit_log"),
    Route("/dev/mailbox", records.mailbox, name="dev_mailbox"),
]
