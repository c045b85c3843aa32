"""Checks: the check-code registry, discovery, reference checks and the check runner."""
