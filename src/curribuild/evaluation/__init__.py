"""Evaluation: the forms a plan's instruments need, and reports on their results."""
