"""complaintdesk: customer complaint management."""

__version__ = "0.1.0"
