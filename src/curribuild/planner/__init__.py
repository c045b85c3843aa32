"""The planner: needs + curriculum -> a scheduled, budgeted, evaluated programme."""
