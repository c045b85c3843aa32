"""``neutral``: data shown to a human never becomes a workflow command or a terminal escape."""

from __future__ import annotations

import re

import pytest

from curribuild.output import neutral

# What a GitHub Actions runner reads as a command: `::` after leading whitespace.
COMMAND_LINE = re.compile(r"^\s*::", re.MULTILINE)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    "text",
    [
        "Working with families: a case study",
        "Übung 3 — Fallarbeit (½ Tag), 09:00–10:30",
        "C++ :: namespaces, a::b and std::vector",
        "tabs\tstay",
        "",
        "# heading, * bullet, `code`",
    ],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert neutral(text) == text
    assert neutral(text, multiline=False) == text


@pytest.mark.parametrize(
    "text",
    [
        "::error file=x.yaml::pwned",
        "   ::warning::indented",
        "\t::add-mask::secret",
        "\u3000::notice::ideographic space",
        "title\n::error file=x.yaml::pwned",
        "title\r\n::stop-commands::token",
        "title\r::error::carriage return",
        "::",
    ],
)
def test_no_line_starts_a_workflow_command(text: str) -> None:
    for multiline in (True, False):
        out = neutral(text, multiline=multiline)
        assert not COMMAND_LINE.search(out), repr(out)
        assert "\r" not in out
        # the words stay readable
        assert text.replace("\r", "").split("::")[-1].strip() in out


def test_the_guard_is_a_visible_backslash_before_the_colons() -> None:
    assert neutral("::error::x") == "\\::error::x"
    assert neutral("  ::error::x") == "  \\::error::x"
    assert neutral("a\n::b::c") == "a\n\\::b::c"


def test_legacy_hash_commands_are_broken_anywhere() -> None:
    assert "##[" not in neutral("text ##[error]boom")
    assert neutral("##[group]x") == "#\\#[group]x"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("red \x1b[31mtext\x1b[0m", "red \\x1b[31mtext\\x1b[0m"),
        ("bell\x07", "bell\\x07"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("evil\u202eelif.exe", "evil\\u202eelif.exe"),
        ("iso\u2066x\u2069", "iso\\u2066x\\u2069"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_control_characters_become_visible_escapes(text: str, shown: str) -> None:
    assert neutral(text) == shown
    assert not CONTROL.search(neutral(text))


def test_newlines_are_kept_only_for_multi_line_output() -> None:
    assert neutral("a\nb") == "a\nb"
    assert neutral("a\nb", multiline=False) == "a\\nb"
    assert neutral("a\r\nb") == "a\nb"
    assert neutral("a\r\nb", multiline=False) == "a\\r\\nb"


@pytest.mark.parametrize(
    "text", ["::error::x", "a\x1b[0m\n  ::w::y", "##[x]", "plain", "\u202e::x\r\n::y"]
)
def test_neutral_is_idempotent(text: str) -> None:
    once = neutral(text)
    assert neutral(once) == once
    single = neutral(text, multiline=False)
    assert neutral(single, multiline=False) == single
