"""The demo telecom operator loaded by `complaintdesk demo`."""
