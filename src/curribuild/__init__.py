"""curribuild: build, explain and check training curricula for P/CVE mental health practice."""

__version__ = "0.1.0"
