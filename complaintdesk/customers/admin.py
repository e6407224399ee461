from __future__ import annotations

from django.contrib import admin

from complaintdesk.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["name", "primary_phone", "primary_email", "account_number", "tier", "region"]
    list_filter = ["tier", "preferred_language", "preferred_channel"]
    search_fields = ["name", "primary_phone", "primary_email", "account_number", "contract_id"]
