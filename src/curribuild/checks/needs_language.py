"""Stigmatising wording in a needs file, for ``plan``: the same terms and the same
rules as ``check`` (CB401), so a request is linted whichever command reads it.

The terms are the bundled list plus the ``stigma_terms:`` of the repository's
``curribuild.yaml`` (found as ``check`` finds it, from the needs file's folder);
``# curribuild: disable=CB401`` lines and the config's ``select``/``ignore``/
``severity`` apply as in ``check``.
"""

from __future__ import annotations

from pathlib import Path

from curribuild.checks.codes.cb401 import check_document, patterns_for
from curribuild.checks.lintdata import MAX_STIGMA_TERMS
from curribuild.checks.runner import CheckOptions, apply_config, find_repo_config, suppressed
from curribuild.curriculum import display_path
from curribuild.findings import Finding
from curribuild.loader import DEFAULT_LIMITS, Document, LoadError, load_file


def needs_language(needs_path: Path, doc: Document | None = None) -> list[Finding]:
    """CB401 findings of the needs file at ``needs_path``, located in it; ``doc`` is the
    file as already loaded (else it is loaded here)."""
    if doc is None:
        try:
            doc = load_file(needs_path, display_path(needs_path), DEFAULT_LIMITS)
        except LoadError:
            return []  # a needs file that does not load never gets this far
    config, _, _ = find_repo_config([needs_path], DEFAULT_LIMITS)
    extra = tuple(config.stigma_terms[:MAX_STIGMA_TERMS]) if config is not None else ()
    found = suppressed(list(check_document(doc, patterns_for(extra))))
    return sorted(apply_config(found, config, CheckOptions()), key=lambda f: f.sort_key)
