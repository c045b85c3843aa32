"""Rendering a plan: Markdown and HTML through sandboxed Jinja2 templates, ICS, JSON."""
