"""The Django admin, open to administrators only (the configuration side of the product)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.permissions import role_of


class ComplaintdeskAdminSite(admin.AdminSite):
    site_header = _("complaintdesk configuration")
    site_title = _("complaintdesk")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        # The same role table as the API and the UI: only administrators configure.
        return role_of(request.user) == Role.ADMIN and request.user.is_staff


class ComplaintdeskAdminConfig(AdminConfig):
    default_site = "complaintdesk.core.admin_site.ComplaintdeskAdminSite"
