"""Notice templates are edited here; notices are read-only delivery records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from complaintdesk.notifications.models import Notice, NoticeTemplate
from complaintdesk.notifications.rendering import VARIABLES


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin[NoticeTemplate]):
    list_display = ["purpose", "language", "channel", "subject", "is_active", "updated_at"]
    list_filter = ["purpose", "language", "channel", "is_active"]
    search_fields = ["subject", "body"]
    readonly_fields = ["variables", "updated_at"]
    fields = ["purpose", "language", "channel", "subject", "body", "is_active", "variables"]

    @admin.display(description=_("Variables you can use"))
    def variables(self, obj: NoticeTemplate | None = None) -> SafeString:
        return format_html_join("", "<div><code>{{{{ {} }}}}</code> — {}</div>", VARIABLES.items())


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    list_display = ["complaint", "purpose", "channel", "status", "created_at", "sent_at"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["complaint__tracking_number", "recipient"]
    list_select_related = ["complaint"]
    # The subject and text as staff may read them: without the secret of a one-time link.
    exclude = ["subject", "body"]
    readonly_fields = ["subject_for_staff", "body_for_staff"]

    @admin.display(description=_("subject"))
    def subject_for_staff(self, obj: Notice) -> str:
        return obj.subject_for_staff

    @admin.display(description=_("text"))
    def body_for_staff(self, obj: Notice) -> str:
        return obj.body_for_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
