"""The staff web UI: thin views that parse, call one selector or service, and render."""
