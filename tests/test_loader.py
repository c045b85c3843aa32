"""The YAML loader against hostile and tricky inputs: every error has a code and a place."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from curribuild import loader
from curribuild.findings import Position
from curribuild.loader import Document, Limits, LoadError


def load_error(text: str, limits: Limits = loader.DEFAULT_LIMITS) -> LoadError:
    """The LoadError ``load_text`` raises for ``text`` (fails the test if none)."""
    with pytest.raises(LoadError) as info:
        loader.load_text(text, limits)
    return info.value


def decode_error(raw: bytes) -> LoadError:
    with pytest.raises(LoadError) as info:
        loader.decode(raw)
    return info.value


def where(err: LoadError) -> tuple[str, int, int]:
    return err.code, err.position.line, err.position.col


# --- duplicate keys -------------------------------------------------------------------


DUPLICATE = """\
kind: goals
title: first
notes: between
title: second
"""


def test_duplicate_key_raises_cb002_at_the_second_key() -> None:
    err = load_error(DUPLICATE)
    assert where(err) == ("CB002", 4, 1)


def test_duplicate_key_names_both_lines() -> None:
    err = load_error(DUPLICATE)
    # the position is the second key (line 4); the message names the first (line 2)
    assert err.position.line == 4
    assert "'title'" in err.message
    assert "line 2" in err.message
    assert "2" in err.fix
    assert "4" in err.fix


def test_duplicate_key_is_recoverable_in_parse() -> None:
    data, problems = loader.parse(DUPLICATE)
    assert data == {"kind": "goals", "title": "second", "notes": "between"}
    assert [where(p) for p in problems] == [("CB002", 4, 1)]


def test_duplicate_keys_in_nested_mapping_all_reported() -> None:
    text = "kind: goals\ngoals:\n  - id: a\n    minutes: 1\n    id: b\n    minutes: 2\n"
    data, problems = loader.parse(text)
    assert [where(p) for p in problems] == [("CB002", 5, 5), ("CB002", 6, 5)]
    assert "line 3" in problems[0].message
    assert "line 4" in problems[1].message
    assert data["goals"] == [{"id": "b", "minutes": 2}]


def test_same_key_in_sibling_mappings_is_not_a_duplicate() -> None:
    text = "a:\n  id: 1\nb:\n  id: 2\n"
    assert loader.parse(text) == ({"a": {"id": 1}, "b": {"id": 2}}, [])


# --- anchors, aliases, merge keys --------------------------------------------------------


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_rejected_at_first_anchor() -> None:
    err = load_error(BILLION_LAUGHS)
    assert where(err) == ("CB003", 1, 4)
    assert "&a" in err.message


def test_recursive_alias_rejected() -> None:
    err = load_error("kind: goals\nloop: &loop [*loop]\n")
    assert where(err) == ("CB003", 2, 7)


def test_alias_without_anchor_rejected_at_alias() -> None:
    err = load_error("kind: goals\nref: *nowhere\n")
    assert where(err) == ("CB003", 2, 6)
    assert "*nowhere" in err.message


def test_merge_key_rejected() -> None:
    text = "kind: goals\nbase: {minutes: 60}\ngoal:\n  <<: {minutes: 60}\n  id: x\n"
    err = load_error(text)
    assert where(err) == ("CB003", 4, 3)
    assert "<<" in err.message


def test_quoted_merge_key_is_a_plain_key() -> None:
    assert loader.load_text('"<<": 1\n') == {"<<": 1}


# --- depth and size limits -------------------------------------------------------------


def test_100000_nested_flow_sequences_hit_depth_limit() -> None:
    # "a: " then 100,000 "[": the root mapping is level 1, the first "[" (col 4) level 2,
    # so the 64th level is at col 66 and the first one too deep at col 67.
    err = load_error("a: " + "[" * 100_000)
    assert where(err) == ("CB007", 1, 67)
    assert "64" in err.message


def test_100000_nested_balanced_flow_sequences_hit_depth_limit() -> None:
    err = load_error("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert where(err) == ("CB007", 1, 67)


def test_100000_nested_flow_mappings_hit_depth_limit() -> None:
    # each level is "{b: " (4 characters), starting at col 4
    err = load_error("a: " + "{b: " * 100_000)
    assert where(err) == ("CB007", 1, 4 + 4 * 63)


def test_100000_deep_block_nesting_hits_depth_limit() -> None:
    # compact nested block sequences: "- - - ... x" one level per "- "
    err = load_error("a:\n  " + "- " * 100_000 + "x\n")
    assert where(err) == ("CB007", 2, 3 + 2 * 63)


def test_deep_block_mappings_by_indentation_hit_depth_limit() -> None:
    # line n (1-based) is "k:" indented by n-1 spaces: level n; level 65 is line 65
    text = "".join(" " * i + "k:\n" for i in range(2_000))
    err = load_error(text)
    assert where(err) == ("CB007", 65, 65)


def test_depth_limit_is_configurable() -> None:
    assert loader.load_text("a: [[1]]\n", Limits(max_depth=3)) == {"a": [[1]]}
    err = load_error("a: [[[1]]]\n", Limits(max_depth=3))
    assert where(err) == ("CB007", 1, 6)


def test_nesting_at_the_default_limit_loads() -> None:
    # root (level 1) + 63 sequences = 64 levels: allowed
    text = "a: " + "[" * 63 + "1" + "]" * 63 + "\n"
    data = loader.load_text(text)
    node = data["a"]
    for _ in range(62):
        node = node[0]
    assert node == [1]


def test_oversize_file_rejected_with_cb006(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("kind: goals\n" + "# padding\n" * 200, encoding="utf-8")
    limits = Limits(max_bytes=1000)
    with pytest.raises(LoadError) as info:
        loader.read_text(path, limits)
    assert where(info.value) == ("CB006", 1, 1)
    assert "1,000" in info.value.message
    with pytest.raises(LoadError) as info:
        loader.load_file(path, limits=limits)
    assert info.value.code == "CB006"


def test_file_exactly_at_size_limit_loads(tmp_path: Path) -> None:
    text = "kind: goals\n"
    path = tmp_path / "exact.yaml"
    path.write_text(text, encoding="utf-8")
    doc = loader.load_file(path, limits=Limits(max_bytes=len(text)))
    assert doc.data == {"kind": "goals"}


def test_oversize_text_rejected_by_parse() -> None:
    err = load_error("a: " + "x" * 200 + "\n", Limits(max_bytes=100))
    assert err.code == "CB006"


def test_unreadable_path_is_cb013(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        loader.load_file(tmp_path / "missing.yaml")
    assert where(info.value) == ("CB013", 1, 1)


def test_directory_is_unreadable_cb013(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        loader.load_file(tmp_path)
    assert info.value.code == "CB013"


# --- syntax ----------------------------------------------------------------------------


def test_tab_indentation_is_cb001_at_the_tab() -> None:
    err = load_error("kind: goals\ngoals:\n\t- id: x\n")
    assert where(err) == ("CB001", 3, 1)
    assert "tab" in err.message


def test_tab_inside_block_mapping_is_cb001() -> None:
    err = load_error("kind: goals\nfoo:\n  a: 1\n\tb: 2\n")
    assert where(err) == ("CB001", 4, 1)
    assert "tab" in err.message


def test_tab_inside_a_value_is_fine() -> None:
    assert loader.load_text("a: 'x\ty'\n") == {"a": "x\ty"}


def test_unclosed_flow_sequence_is_cb001() -> None:
    err = load_error("kind: goals\ngoals: [a, b\n")
    assert where(err) == ("CB001", 3, 1)


def test_bad_indentation_is_cb001_with_position() -> None:
    err = load_error("kind: goals\ngoals:\n  - id: a\n   title: b\n")
    assert where(err) == ("CB001", 4, 4)


def test_collection_as_key_is_cb001() -> None:
    err = load_error("? [a, b]\n: c\n")
    assert where(err) == ("CB001", 1, 3)


# --- encoding and characters -------------------------------------------------------------


def test_invalid_utf8_is_cb005_at_the_byte() -> None:
    err = decode_error(b"kind: goals\ntitle: caf\xc3\x28\n")
    assert where(err) == ("CB005", 2, 11)
    assert "0xc3" in err.message


def test_invalid_utf8_lone_byte() -> None:
    err = decode_error(b"a: \xff\n")
    assert where(err) == ("CB005", 1, 4)
    assert "0xff" in err.message


def test_invalid_utf8_column_counts_characters_not_bytes() -> None:
    # "é" is two bytes but one column: the bad byte is the 9th character
    err = decode_error("t: café ".encode() + b"\xfe\n")
    assert where(err) == ("CB005", 1, 9)


def test_utf8_bom_is_accepted() -> None:
    text = loader.decode(b"\xef\xbb\xbfkind: goals\n")
    assert text == "kind: goals\n"
    assert loader.load_text(text) == {"kind": "goals"}


def test_utf8_bom_accepted_by_load_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfkind: goals\n")
    assert loader.load_file(path).data == {"kind": "goals"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_cb005(encoding: str) -> None:
    raw = "kind: goals\n".encode(encoding)
    if encoding in {"utf-16-le", "utf-16-be"}:
        raw = ("\ufeff" + "kind: goals\n").encode(encoding)  # with a BOM
    err = decode_error(raw)
    assert where(err) == ("CB005", 1, 1)
    assert "UTF-16" in err.message


def test_utf16_without_bom_is_cb005_nul() -> None:
    err = decode_error("kind: goals\n".encode("utf-16-le"))
    assert where(err) == ("CB005", 1, 2)
    assert "UTF-16" in err.message


def test_nul_byte_is_cb005_at_the_nul() -> None:
    err = decode_error(b"kind: goals\ntitle: a\x00b\n")
    assert where(err) == ("CB005", 2, 9)
    assert "NUL" in err.message


def test_nul_in_text_is_cb005() -> None:
    err = load_error("kind: goals\ntitle: a\x00b\n")
    assert where(err) == ("CB005", 2, 9)


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x86", "\ufffe"])
def test_control_characters_are_cb005(char: str) -> None:
    err = load_error(f"kind: goals\ntitle: ab{char}\n")
    assert where(err) == ("CB005", 2, 10)
    assert f"U+{ord(char):04X}" in err.message


def test_crlf_line_endings_load() -> None:
    assert loader.load_text("kind: goals\r\nminutes: 5\r\n") == {"kind": "goals", "minutes": 5}


# --- empty and non-mapping documents --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "   \n", "# only a comment\n", "# one\n# two\n\n# three"],
    ids=["empty", "newlines", "spaces", "comment", "comments"],
)
def test_empty_and_comment_only_files_are_cb009(text: str) -> None:
    err = load_error(text)
    assert where(err) == ("CB009", 1, 1)


def test_explicit_empty_document_is_cb009() -> None:
    # the empty root node sits after the "---" line
    err = load_error("# header\n---\n")
    assert where(err) == ("CB009", 3, 1)


def test_empty_file_on_disk_is_cb009(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(LoadError) as info:
        loader.load_file(path)
    assert where(info.value) == ("CB009", 1, 1)


def test_list_root_is_cb010() -> None:
    err = load_error("# goals\n- id: a\n- id: b\n")
    assert where(err) == ("CB010", 2, 1)
    assert "list" in err.message


def test_scalar_root_is_cb010() -> None:
    err = load_error("just some text\n")
    assert where(err) == ("CB010", 1, 1)
    assert "scalar" in err.message


def test_multiple_documents_are_cb008_at_the_second() -> None:
    err = load_error("kind: goals\n---\nkind: methods\n")
    assert where(err) == ("CB008", 2, 1)


def test_document_end_marker_alone_is_fine() -> None:
    assert loader.load_text("---\nkind: goals\n...\n") == {"kind": "goals"}


# --- tags ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pos", "shown"),
    [
        ("kind: !!python/object/apply:os.system ['echo pwned']\n", (1, 7), "!!python/object"),
        ("kind: goals\ncmd: !!python/name:os.system\n", (2, 6), "!!python/name"),
        ("kind: goals\ndata: !!binary aGVsbG8=\n", (2, 7), "!!binary"),
        ("kind: goals\ns: !!set {a, b}\n", (2, 4), "!!set"),
        ("kind: goals\nx: !foo bar\n", (2, 4), "!foo"),
        ("kind: goals\nx: !foo [1]\n", (2, 4), "!foo"),
        ("kind: goals\nx: !!omap [a: 1]\n", (2, 4), "!!omap"),
        ("kind: goals\nx: !!timestamp 2027-03-15\n", (2, 4), "!!timestamp"),
        ("!!map\nkind: goals\n", (1, 1), None),
    ],
    ids=[
        "python-apply",
        "python-name",
        "binary",
        "set",
        "custom-scalar",
        "custom-seq",
        "omap",
        "timestamp",
        "core-map-ok",
    ],
)
def test_unsupported_tags_are_cb004(text: str, pos: tuple[int, int], shown: str | None) -> None:
    if shown is None:  # !!map on a mapping is core YAML: accepted
        assert loader.load_text(text) == {"kind": "goals"}
        return
    err = load_error(text)
    assert where(err) == ("CB004", *pos)
    assert shown in err.message


def test_core_scalar_tags_are_honoured() -> None:
    text = "a: !!str 12\nb: !!int 12\nc: !!float 2\nd: !!bool true\ne: !!null null\n"
    assert loader.load_text(text) == {"a": "12", "b": 12, "c": 2.0, "d": True, "e": None}


def test_core_tag_that_does_not_fit_is_cb004() -> None:
    err = load_error("kind: goals\nn: !!int yes\n")
    assert where(err) == ("CB004", 2, 4)


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(LoadError):
        loader.load_text(f"kind: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


# --- scalars: YAML 1.2 core, narrowed ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NO", "NO"),
        ("no", "no"),
        ("yes", "yes"),
        ("Yes", "Yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("True", "True"),
        ("FALSE", "FALSE"),
        ("Null", "Null"),
        ("17:00", "17:00"),
        ("1:30:00", "1:30:00"),
        ("017", "017"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("2027-03-15", "2027-03-15"),
        ("2027-03-15T09:00:00Z", "2027-03-15T09:00:00Z"),
        ("true", True),
        ("false", False),
        ("12", 12),
        ("-3", -3),
        ("+7", 7),
        ("0", 0),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e3", 1000.0),
        ("null", None),
        ("~", None),
        ("", None),
        ("'12'", "12"),
        ('"true"', "true"),
        ("'null'", "null"),
    ],
)
def test_scalar_resolution(raw: str, expected: object) -> None:
    data = loader.load_text(f"value: {raw}\n")
    assert data["value"] == expected
    assert type(data["value"]) is type(expected)


def test_special_floats() -> None:
    data = loader.load_text("a: .inf\nb: -.inf\nc: .nan\n")
    assert data["a"] == math.inf
    assert data["b"] == -math.inf
    assert math.isnan(data["c"])


def test_block_scalars_are_strings() -> None:
    assert loader.load_text("a: |\n  12\nb: >\n  true\n") == {"a": "12\n", "b": "true\n"}


def test_keys_stay_strings() -> None:
    assert loader.load_text("1: a\ntrue: b\nnull: c\n") == {"1": "a", "true": "b", "null": "c"}


def test_5000_digit_integer_is_cb012() -> None:
    err = load_error("kind: goals\nminutes: " + "9" * 5000 + "\n")
    assert where(err) == ("CB012", 2, 10)
    assert "5000" in err.message


def test_huge_float_literal_is_cb012() -> None:
    err = load_error("kind: goals\nx: " + "1" * 3000 + ".5\n")
    assert where(err) == ("CB012", 2, 4)


def test_quoted_long_number_is_a_string() -> None:
    digits = "9" * 5000
    assert loader.load_text(f"x: '{digits}'\n") == {"x": digits}


def test_100_digit_integer_still_loads() -> None:
    digits = "9" * 100
    assert loader.load_text(f"x: {digits}\n") == {"x": int(digits)}


# --- Document.locate ---------------------------------------------------------------------


LOCATE = """\
kind: goals
goals:
  - id: alpha
    title: "Alpha"
    topics: [x, y]
    audience:
      experience:
        - none
  - id: beta
    minutes: 60
"""


@pytest.fixture
def doc() -> Document:
    return Document("goals.yaml", loader.load_text(LOCATE), LOCATE)


@pytest.mark.parametrize(
    ("loc", "key", "pos"),
    [
        ((), False, (1, 1)),
        (("kind",), False, (1, 7)),
        (("kind",), True, (1, 1)),
        (("goals",), False, (3, 3)),
        (("goals",), True, (2, 1)),
        (("goals", 0), False, (3, 5)),
        (("goals", 0, "id"), False, (3, 9)),
        (("goals", 0, "id"), True, (3, 5)),
        (("goals", 0, "title"), False, (4, 12)),
        (("goals", 0, "topics"), False, (5, 13)),
        (("goals", 0, "topics", 1), False, (5, 17)),
        (("goals", 0, "audience", "experience"), True, (7, 7)),
        (("goals", 0, "audience", "experience", 0), False, (8, 11)),
        (("goals", 1), False, (9, 5)),
        (("goals", 1, "minutes"), False, (10, 14)),
        (("goals", 1, "minutes"), True, (10, 5)),
    ],
)
def test_locate(doc: Document, loc: tuple[str | int, ...], key: bool, pos: tuple[int, int]) -> None:
    assert doc.locate(loc, key=key) == Position(*pos)


def test_locate_missing_path_falls_back_to_nearest_parent(doc: Document) -> None:
    assert doc.locate(("goals", 1, "title")) == Position(9, 5)
    assert doc.locate(("goals", 1, "title"), key=True) == Position(9, 5)
    assert doc.locate(("goals", 7, "id")) == Position(3, 3)
    assert doc.locate(("nope", "deeper")) == Position(1, 1)


def test_locate_with_duplicate_keys_points_at_the_later_value() -> None:
    text = "kind: goals\nminutes: 1\nminutes: 2\n"
    data, problems = loader.parse(text)
    d = Document("x.yaml", data, text, problems)
    assert d.locate(("minutes",)) == Position(3, 10)


def test_load_file_keeps_display_path_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(DUPLICATE, encoding="utf-8")
    d = loader.load_file(path, "shown/dup.yaml")
    assert d.path == "shown/dup.yaml"
    assert d.data["title"] == "second"
    assert [where(p) for p in d.problems] == [("CB002", 4, 1)]
    assert d.locate(("title",)) == Position(4, 8)


def test_locate_uses_the_limits_the_document_was_loaded_with(tmp_path: Path) -> None:
    """A document loaded with a raised depth limit can still be located in.

    ``Document.locate`` re-parses the text for positions; it must not apply the
    default limit (64) to a document that loaded under a larger one.
    """
    path = tmp_path / "deep.yaml"
    path.write_text("kind: goals\nnotes: " + "[" * 80 + "]" * 80 + "\nminutes: 1\n", "utf-8")
    d = loader.load_file(path, limits=Limits(max_depth=200))
    assert d.locate(("minutes",)) == Position(3, 10)
    assert d.locate(("notes",)) == Position(2, 8)


# --- the source map of the first parse (issue 14, item 3) ----------------------------


def _every_yaml() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    files = [*(root / "curricula").rglob("*.yaml"), *(root / "tests" / "fixtures").rglob("*.yaml")]
    return sorted(files)


def test_source_map_places_every_value_and_key_as_the_tracked_parse_does() -> None:
    """The compact map of the one parse gives, for every path, the same position as
    the full tracking it replaces, for every document in the repository that loads."""
    compared = 0
    for path in _every_yaml():
        try:
            doc = loader.load_file(path)
        except loader.LoadError:
            continue
        if doc.source_map is None:  # a duplicate key: positions were tracked in full
            continue
        values, keys = loader._track_positions(doc.text, doc.limits)
        for loc, position in values.items():
            assert doc.source_map.locate(loc) == position, (path, loc)
        for loc, position in keys.items():
            assert doc.source_map.locate(loc, key=True) == position, (path, loc)
        compared += len(values)
    assert compared > 5_000


def _mapped(text: str) -> Document:
    data, problems, source_map = loader._parse(
        text, loader.DEFAULT_LIMITS, characters_checked=False
    )
    return Document("x.yaml", data, text, problems, source_map=source_map)


def test_source_map_falls_back_to_the_nearest_enclosing_value() -> None:
    doc = _mapped("kind: goals\ngoals:\n  - id: a\n    title: A\n")
    assert doc.source_map is not None
    assert doc.locate(("goals", 0, "statement")) == Position(3, 5)
    assert doc.locate(("goals", 5)) == Position(3, 3)
    assert doc.locate(("goals", 0, "title"), key=True) == Position(4, 5)
    assert doc.locate(("goals", 0, "title")) == Position(4, 12)
    assert doc.locate(("nothing",)) == Position(1, 1)


def test_source_map_stops_at_the_end_of_a_subtree() -> None:
    """A name that exists only in a later sibling is not found under an earlier one."""
    doc = _mapped("kind: goals\na:\n  x: 1\nb:\n  y: 2\n")
    assert doc.locate(("a", "y")) == Position(3, 3)
    assert doc.locate(("b", "y")) == Position(5, 6)


def test_a_duplicate_key_keeps_full_tracking() -> None:
    doc = _mapped("kind: goals\nkind: goals\n")
    assert doc.source_map is None
    assert [p.code for p in doc.problems] == ["CB002"]
    assert doc.locate(("kind",)) == Position(2, 7)


def test_a_large_source_map_is_searched_by_index_with_the_same_answers() -> None:
    items = "".join(f"  - id: g{i}\n    title: Goal {i}\n    topics: [a, b]\n" for i in range(800))
    doc = _mapped("kind: goals\ngoals:\n" + items)
    assert doc.source_map is not None
    assert len(doc.source_map.parents) > loader.SCAN_LIMIT
    values, keys = loader._track_positions(doc.text, doc.limits)
    for loc, position in values.items():
        assert doc.locate(loc) == position, loc
    for loc, position in keys.items():
        assert doc.locate(loc, key=True) == position, loc
    assert doc.locate(("goals", 799, "nothing")) == values[("goals", 799)]
