#!/usr/bin/env python
"""Django's command-line utility; `complaintdesk` is the same thing, installed."""

from complaintdesk.cli import main

if __name__ == "__main__":
    main()
