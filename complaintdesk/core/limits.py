"""Limits shared by every app."""

# The longest free text written on a complaint: a description, a note, a plan, a remedy's
# reason. One cap, so a text pasted from one place is never refused in another.
TEXT_MAX = 20_000
