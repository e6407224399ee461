from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaintdesk.complaints.errors import DomainError
from complaintdesk.triage.models import TaxonomyEntry
from complaintdesk.triage.taxonomy import taxonomy_entry_reactivate, taxonomy_entry_retire


@admin.register(TaxonomyEntry)
class TaxonomyEntryAdmin(admin.ModelAdmin[TaxonomyEntry]):
    list_display = ("code", "label_en", "label_zh", "key", "dimension", "parent_code", "is_active")
    list_filter = ("dimension", "is_active")
    search_fields = ("key", "code", "label_en", "label_zh")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("dimension", "code")
    actions = ("retire", "reactivate")

    def get_readonly_fields(
        self, request: HttpRequest, obj: TaxonomyEntry | None = None
    ) -> tuple[str, ...]:
        # Keys are what triage predicts and files refer to; the active flag changes only
        # through the actions, which also retire what sits under an entry.
        return ("dimension", "key", "is_active") if obj is not None else ("is_active",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Complaints keep their classification: entries are retired, never deleted.
        return False

    @admin.display(description=_("parent"), ordering="parent__code")
    def parent_code(self, obj: TaxonomyEntry) -> str:
        return str(obj.parent) if obj.parent else "—"

    @admin.action(description=_("Retire the selected entries (and those under them)"))
    def retire(self, request: HttpRequest, queryset: QuerySet[TaxonomyEntry]) -> None:
        count = sum(taxonomy_entry_retire(entry=entry) for entry in queryset)
        self.message_user(
            request,
            ngettext("%(count)d entry retired.", "%(count)d entries retired.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected entries (and those above them)"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[TaxonomyEntry]) -> None:
        count = 0
        for entry in queryset.select_related("parent"):
            try:
                count += taxonomy_entry_reactivate(entry=entry)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d entry reactivated.", "%(count)d entries reactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )
