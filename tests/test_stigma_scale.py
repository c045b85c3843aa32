"""The stigma lint stays linear: one trie-shaped regex for all terms, a cap on
configured terms and on findings per document (issue 15)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

from curribuild.checks.codes.cb401 import MAX_FINDINGS, check_document, patterns_for, scan_text
from curribuild.checks.lintdata import MAX_STIGMA_TERMS
from curribuild.loader import load_file
from curribuild.models.config import StigmaTerm
from test_hostile import run_cli

WORDS = ["the", "psycho", "lunatic", "care", "badword5 phrase", '"psycho"', "worse17", "text"]


def extra_terms(count: int) -> list[dict[str, str]]:
    return [{"term": f"badword{i} phrase|worse{i}", "suggestion": "x"} for i in range(count)]


def long_line(chars: int = 96_000) -> str:
    rng = random.Random(1)
    return " ".join(rng.choice(WORDS) for _ in range(chars // 4))[:chars]


def write_repo(root: Path, terms: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    config = {"kind": "config", "stigma_terms": extra_terms(terms)}
    (root / "curribuild.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    method: dict[str, Any] = {"id": "talk", "name": "Talk", "learning_type": "acquisition"}
    method.update(domains=["knowledge"], description=long_line())
    doc = {"kind": "methods", "methods": [method]}
    (root / "methods.yaml").write_text(yaml.safe_dump(doc, width=10**9), encoding="utf-8")


def test_96000_character_line_with_many_terms_is_capped_and_located(tmp_path: Path) -> None:
    """Speed is the benchmark's job (no timed assertion here): this holds the cap and
    the places of the findings on a very long line with the most extra terms."""
    write_repo(tmp_path, 0)
    extra = tuple(StigmaTerm.model_validate(t) for t in extra_terms(MAX_STIGMA_TERMS))
    patterns = patterns_for(extra)
    doc = load_file(tmp_path / "methods.yaml", "methods.yaml")
    findings = list(check_document(doc, patterns))
    assert len(findings) == MAX_FINDINGS + 1
    assert "more stigmatising words" in findings[-1].message
    shown = {f.message.split("'")[1] for f in findings[:-1]}
    assert shown == {"psycho", "lunatic", "badword5 phrase", "worse17"}  # "psycho" quoted: no
    # each finding is located on the line, at the word it names
    text = (tmp_path / "methods.yaml").read_text(encoding="utf-8").splitlines()
    for f in findings[:20]:
        word = f.message.split("'")[1]
        assert text[f.line - 1][f.col - 1 :].lower().startswith(word), f


def test_trie_matches_like_the_term_list() -> None:
    patterns = patterns_for()
    hits = [
        h.group() for h, _ in scan_text("A psychotic, psychos and psychology; the psycho", patterns)
    ]
    assert hits == ["A psychotic", "psychos", "psycho"]
    found = [(h.group(), fix) for h, fix in scan_text("SUFFERS   FROM it", patterns)]
    assert found and found[0][0] == "SUFFERS   FROM" and found[0][1]


def test_check_with_many_terms_through_the_cli(tmp_path: Path) -> None:
    write_repo(tmp_path / "repo", MAX_STIGMA_TERMS)
    outcome = run_cli(["check", "--format", "parsable", "."], tmp_path / "repo", 30)
    assert "Traceback" not in outcome.output, outcome.describe()
    assert outcome.seconds < 10, outcome.describe()
    assert outcome.stdout.count("(CB401)") == MAX_FINDINGS + 1


def test_too_many_configured_terms_is_a_located_error(tmp_path: Path) -> None:
    write_repo(tmp_path / "repo", 20_000)
    outcome = run_cli(["check", "--format", "parsable", "."], tmp_path / "repo", 30)
    assert outcome.status == 1, outcome.describe()
    assert outcome.seconds < 10, outcome.describe()
    # the first term past the cap: each term takes two lines (`- suggestion:`, `  term:`)
    line = 2 + 2 * MAX_STIGMA_TERMS + 1
    expected = f"curribuild.yaml:{line}:3: [error] stigma_terms: 20,000 terms, more than the limit"
    assert expected in outcome.stdout, outcome.describe()
    assert "(CB102)" in outcome.stdout


def test_the_ascii_prefilter_finds_what_the_case_insensitive_regex_finds() -> None:
    """``occurs_in`` takes a faster path for ASCII text; it must answer as the
    IGNORECASE regex does, in any case and across line breaks, and fall back for
    non-ASCII text and terms (where lower() and case folding can differ)."""
    bundled = patterns_for()
    unicode_term = patterns_for((StigmaTerm(term="ſchizo", suggestion="x"),))
    assert bundled.ascii_lower is not None
    assert unicode_term.ascii_lower is None
    rng = random.Random(7)
    texts = [
        "A PSYCHO in the text",
        "a Lunatic\n  asylum",
        "psychology is fine",
        "no hit at all",
        "İ psycho",
        "K lunatic",
        "the schizo wording",
        *(long_line(400).upper() if rng.random() < 0.5 else long_line(400) for _ in range(20)),
    ]
    for patterns in (bundled, unicode_term):
        for text in texts:
            assert patterns.occurs_in(text) == (patterns.regex.search(text) is not None), text
