"""The rules engine: compiled conditions, matching, programme rules and rule tests."""
