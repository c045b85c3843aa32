"""The check codes: one module per code (``cbNNN.py``), each with the code's
constants (``CODE``, ``NAME``, ``SUMMARY``, ``DEFAULT_SEVERITY``), its user
documentation as the module docstring, and, for the lints, its ``check``.

This package imports nothing, so that any layer (the loader, the planner) can take a
code's constant from its module without loading the checks; the typed registry of
every code is :mod:`curribuild.checks.registry`.
"""
