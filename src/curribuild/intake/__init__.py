"""``curribuild intake``: a needs-assessment survey export -> a draft needs file."""
