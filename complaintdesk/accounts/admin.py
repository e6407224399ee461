from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.models import ApiToken, Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["code", "name", "name_zh", "calendar_name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_zh"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active", "is_available"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("Complaint handling"),
            {"fields": ("role", "department", "languages", "skills", "is_available")},
        ),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Complaint handling"), {"fields": ("role", "department")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username", "name"]

    def has_add_permission(self, request: object) -> bool:
        # The secret is shown once, by `complaintdesk token create`.
        return False
