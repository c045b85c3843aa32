"""The caps on what a template builds (issue 15): every string and list a filter,
operator, method, ``~``, block or printed value produces is held to the output's
cap and refused, before it is built where its size can be predicted, with a
located CB701 naming the operation; a time limit (5 s by default,
``--template-seconds`` / ``CURRIBUILD_TEMPLATE_SECONDS``) and an address-space
limit back them up.

Most cases render in-process with a small cap (1,000), so that both sides of the
cap are cheap to test. The hostile corpus (``tests/hostile/templates/cap-*``) runs
the same attacks at full size through the CLI; here they are run once more to
measure each one's peak memory.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from jinja2.utils import Namespace
from typer.testing import CliRunner

from curribuild.cli import app
from curribuild.errors import UserError
from curribuild.render import sandbox
from curribuild.render.limits import (
    DEFAULT_SECONDS,
    MAX_CHARS,
    SECONDS_VARIABLE,
    Limits,
    TemplateLimitError,
    seconds_setting,
)

TESTS = Path(__file__).resolve().parent
HOSTILE_TEMPLATES = TESTS / "hostile" / "templates"
REPO = TESTS.parent
CAP = 1000
CONTEXT: dict[str, Any] = {
    "plan": {"needs": {"id": "n", "title": "A title"}, "days": [{"day": 1, "sessions": []}]},
    "words": ["alpha", "beta", "gamma"],
}


def render_source(
    tmp_path: Path,
    source: str,
    *,
    cap: int = CAP,
    seconds: float = 5.0,
    autoescape: bool = False,
    name: str = "t.md.j2",
) -> str:
    template = tmp_path / name
    template.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return sandbox.render(
        template,
        CONTEXT,
        autoescape=autoescape,
        max_chars=cap,
        max_seconds=seconds,
        memory_headroom=None,
    )


def refusal(tmp_path: Path, source: str, **options: Any) -> tuple[str, int, str]:
    """(template, line, message) of the CB701 a template is refused with."""
    with pytest.raises(UserError) as caught:
        render_source(tmp_path, source, **options)
    (finding,) = caught.value.findings
    assert finding.code == "CB701"
    assert "Traceback" not in caught.value.message
    return Path(finding.path).name, finding.line, finding.message


# (id, template, line, operation named in the message). Each builds more than CAP.
REFUSED = [
    ("center-filter", "{{ 'x' | center(5000) }}", "center"),
    ("center-method", "{{ 'x'.center(5000) }}", "center"),
    ("ljust", "{{ 'x'.ljust(5000) }}", "ljust"),
    ("rjust", "{{ 'x'.rjust(5000, '*') }}", "rjust"),
    ("zfill", "{{ '7'.zfill(5000) }}", "zfill"),
    ("expandtabs", "{{ ('\t' * 10).expandtabs(500) }}", "expandtabs"),
    (
        "replace-method",
        "{{ ('a' * 100).replace('a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb') }}",
        "replace",
    ),
    (
        "replace-empty",
        "{{ ('a' * 100).replace('', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb') }}",
        "replace",
    ),
    (
        "replace-filter",
        "{{ ('a' * 100) | replace('a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbb') }}",
        "replace",
    ),
    ("join-method", "{{ ('-' * 600).join(['a', 'b', 'c']) }}", "join"),
    ("join-filter", "{{ range(300) | join('----') }}", "join"),
    ("join-attribute", "{{ ([plan.needs] * 40) | join('-' * 30, attribute='title') }}", "join"),
    ("translate", "{{ 'aaaa'.translate({97: 'b' * 400}) }}", "translate"),
    ("encode-center", "{{ 'x'.encode().center(5000) }}", "center"),
    ("to-bytes", "{{ (1).to_bytes(5000, 'big') }}", "to_bytes"),
    ("format-filter", "{{ '%5000s' | format('x') }}", "format"),
    ("format-filter-keywords", "{{ '%(a)5000s' | format(a='x') }}", "format"),
    ("format-method", "{{ '{:>5000}'.format('x') }}", "format"),
    ("format-nested-width", "{{ '{:>{w}}'.format('x', w=5000) }}", "format"),
    ("format-map", "{{ '{a:^5000}'.format_map({'a': 1}) }}", "format_map"),
    ("format-many-fields", "{{ ('{0:>300}' * 4).format('x') }}", "format"),
    ("percent-width", "{{ '%5000d' % 7 }}", "%"),
    ("percent-star", "{{ '%*d' % (5000, 7) }}", "%"),
    ("percent-precision", "{{ '%.5000f' % 1.5 }}", "%"),
    ("plus-strings", "{% set a = 'x' * 600 %}{{ a + a }}", "+"),
    ("plus-lists", "{% set a = [0] * 600 %}{{ (a + a) | length }}", "+"),
    ("tilde", "{% set a = 'x' * 600 %}{{ a ~ a }}", "~"),
    ("tilde-list-text", "{% set a = [0] * 400 %}{{ (a ~ '') | length }}", "~"),
    ("multiply-string", "{{ 'x' * 5000 }}", "*"),
    ("multiply-string-left", "{{ 5000 * 'x' }}", "*"),
    ("multiply-list", "{{ ([0] * 5000) | length }}", "*"),
    ("multiply-nested", "{{ ([[0] * 40] * 40) | length }}", "*"),
    ("multiply-shared-string", "{% set s = 'x' * 100 %}{{ ([s] * 20) | length }}", "*"),
    ("multiply-number-bits", "{{ (2 ** 40000) * (2 ** 40000) * (2 ** 40000) }}", "*"),
    ("power", "{{ 10 ** 1000000 }}", "**"),
    (
        "namespace-doubling",
        """\
        {% set ns = namespace(text='x') %}
        {% for i in range(20) %}{% set ns.text = ns.text ~ ns.text %}{% endfor %}
        """,
        "~",
    ),
    (
        "namespace-plus",
        """\
        {% set ns = namespace(items=[0]) %}
        {% for i in range(20) %}{% set ns.items = ns.items + ns.items %}{% endfor %}
        """,
        "+",
    ),
    ("indent-width", "{{ 'a\nb\nc' | indent(500) }}", "indent"),
    ("indent-string", "{{ 'a\nb\nc' | indent('-' * 500) }}", "indent"),
    ("wordwrap", "{{ ('ab ' * 100) | wordwrap(2, wrapstring='-' * 20) }}", "wordwrap"),
    ("batch-fill", "{{ [1] | batch(5000, 0) | list }}", "batch"),
    ("slice", "{{ [1] | slice(5000) | list }}", "slice"),
    ("sum-lists", "{{ ([[0] * 30] * 30) | sum(start=[0] * 200) | length }}", "sum"),
    ("tojson-indent", "{{ [[1, 2], [3]] | tojson(indent=500) }}", "tojson"),
    ("pprint", "{{ ([[0] * 30] * 30) | pprint }}", "pprint"),
    ("lipsum", "{{ lipsum(50) }}", "lipsum"),
    ("range", "{{ range(200000) | list | length }}", "range"),
    ("output-of-list", "{{ [['x' * 50] * 10, ['y' * 50] * 10] }}", "output"),
    (
        "macro-output",
        """\
        {% macro grow(n) %}{% if n %}{{ grow(n - 1) }}{{ grow(n - 1) }}{% else %}xx{% endif %}
        {% endmacro %}
        {{ grow(12) }}
        """,
        "output",
    ),
    (
        "set-block",
        """\
        {% set text %}{% for i in range(300) %}abcd{% endfor %}{% endset %}
        {{ text | length }}
        """,
        "output",
    ),
    (
        "filter-block",
        """\
        {% filter upper %}{% for i in range(300) %}abcd{% endfor %}{% endfilter %}
        """,
        "output",
    ),
    ("upper-after", "{{ ('\u00df' * 600) | upper }}", "upper"),
    ("upper-input-text", "{{ [['x' * 90] * 6, ['y' * 90] * 6] | upper }}", "upper"),
]


@pytest.mark.parametrize(("source", "op"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_every_growing_operation_is_refused_and_named(tmp_path: Path, source: str, op: str) -> None:
    name, line, message = refusal(tmp_path, source)
    assert name == "t.md.j2"
    assert line >= 1, message
    assert message.startswith(f"{op!r} "), message
    assert "cap" in message, message


def test_the_refusal_names_the_line_and_the_sizes(tmp_path: Path) -> None:
    name, line, message = refusal(
        tmp_path, "# Programme\n\n{{ plan.needs.title | center(2000000000) }}\n"
    )
    assert (name, line) == ("t.md.j2", 3)
    assert message == "'center' would build 2000000000 characters, over the 1000 cap"


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' | center(1000) }}",
        "{{ 'x'.ljust(1000) }}",
        "{{ '%900s' | format('x') }}",
        "{{ '{:>900}'.format('x') }}",
        "{% set a = 'x' * 500 %}{{ a + a }}",
        "{% set a = 'x' * 500 %}{{ a ~ a }}",
        "{{ ([0] * 1000) | length }}",
        "{{ ('ab ' * 10) | wordwrap(3) }}",
        "{{ [1, 2, 3] | batch(2, 0) | list }}",
        "{{ ([[0] * 3] * 3) | sum(start=[]) | length }}",
        "{{ [1, 2] | tojson(indent=2) }}",
    ],
)
def test_up_to_the_cap_is_allowed(tmp_path: Path, source: str) -> None:
    assert render_source(tmp_path, source)


def test_sum_of_lists_is_linear_and_correct(tmp_path: Path) -> None:
    source = (
        "{{ ([[1, 2]] * 3) | sum(start=[0]) }} {{ [1, 2, 3] | sum }} {{ [[1]] | sum(start=[]) }}"
    )
    assert render_source(tmp_path, source) == "[0, 1, 2, 1, 2, 1, 2] 6 [1]"


def test_autoescaped_output_counts_the_entities(tmp_path: Path) -> None:
    cap = 600
    source = "{{ '<' * 200 }}"  # 200 characters, 800 once escaped
    assert len(render_source(tmp_path, source, cap=cap * 2, autoescape=True)) == 800
    _, _, message = refusal(
        tmp_path, "{% set s = '<' * 150 %}{{ s ~ s }}", cap=cap, autoescape=True
    )
    assert message.startswith(("'~' ", "'output' ")), message


def test_markup_methods_and_format_are_capped(tmp_path: Path) -> None:
    _, _, message = refusal(tmp_path, "{{ ('x' | safe).center(5000) }}", autoescape=True)
    assert message.startswith("'center' ")
    _, _, message = refusal(tmp_path, "{{ ('{:>5000}' | safe).format('<') }}", autoescape=True)
    assert message.startswith("'format' ")


def test_normal_template_features_still_work(tmp_path: Path) -> None:
    source = """\
        {% macro row(a, b) %}| {{ a }} | {{ b }} |{% endmacro %}
        {% set ns = namespace(total=0) %}
        {% for w in words %}{% set ns.total = ns.total + w | length %}{{ row(loop.index, w) }}
        {% endfor %}
        {{ ns.total }} {{ words | join(', ') }} {{ '%-6s|' | format('ab') }} {{ '{:>4}'.format(7) }}
        {{ 'a' ~ 1 ~ none }} {{ (words * 2) | length }} {{ 3 * 'ab' }} {{ 2 ** 10 }} {{ 7 % 3 }}
        {{ '%s-%s' % (1, 2) }} {{ 10 // 3 }} {{ 1 / 4 }} {{ 'x'.center(5) }}| {{ range(3) | list }}
        {% filter upper %}shout{% endfilter %} {{ words | map('upper') | join }}
        """
    text = render_source(tmp_path, source)
    assert "| 1 | alpha |" in text and "| 3 | gamma |" in text
    assert "14 alpha, beta, gamma ab    |    7" in text
    assert "a1None 6 ababab 1024 1" in text
    assert "1-2 3 0.25   x  | [0, 1, 2]" in text
    assert "SHOUT ALPHABETAGAMMA" in text


def test_bundled_templates_render_with_every_limit_on(tmp_path: Path) -> None:
    """The bundled templates, on a plan, under the default caps, time and memory limits."""
    plan = _plan(tmp_path)
    for fmt in ("md", "html"):
        result = CliRunner().invoke(
            app, ["render", "-f", fmt, "--plan", str(plan), "-o", str(tmp_path / f"out.{fmt}")]
        )
        assert result.exit_code == 0, result.output
        assert (tmp_path / f"out.{fmt}").stat().st_size > 1000


# --- measuring ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        'it\'s \\ "q"',
        "tab\tnew\nline\x00\u2028\U000e0001",
        12345678901234567890123,
        -(10**50),
        1.5e300,
        True,
        None,
        b"\x00bytes\xff",
        [1, "two", [3.0, None], {"k": ("v", b"b")}],
        {"a": {"b": {"c": ["d" * 50]}}},
        ("x" * 100,) * 7,
        {1, 2, 3},
        Namespace(text="x" * 100, items=[1, "two"]),
    ],
)
def test_text_size_is_at_least_the_real_text(value: Any) -> None:
    assert Limits(MAX_CHARS, 5).text_size(value) >= len(str(value))


def test_size_counts_shared_items_each_time_without_walking_them_again() -> None:
    limits = Limits(MAX_CHARS, 5)
    row = [0] * 1000
    grid = [row] * 1000
    started = time.monotonic()
    assert limits.size([grid] * 1000) == 1000 * (1000 * 1000 + 1000) + 1000
    assert time.monotonic() - started < 1
    assert limits.size(["x" * 10**6] * 3) == 3 * (10**6 + 1)


def test_a_value_nested_too_deeply_is_refused() -> None:
    value: list[Any] = []
    for _ in range(200):
        value = [value]
    with pytest.raises(TemplateLimitError, match="nested more than"):
        Limits(MAX_CHARS, 5).text_size(value)


def test_refusal_message() -> None:
    limits = Limits(5_000_000, 5)
    with pytest.raises(TemplateLimitError) as caught:
        limits.refuse("center", 2_000_000_000)
    assert str(caught.value) == "'center' would build 2000000000 characters, over the 5000000 cap"
    limits.refuse("center", 5_000_000)  # at the cap: allowed


# --- the time limit -----------------------------------------------------------------------


def test_default_time_limit_is_a_few_seconds() -> None:
    assert DEFAULT_SECONDS == 5.0
    assert sandbox.MAX_SECONDS == DEFAULT_SECONDS
    assert sandbox.MAX_OUTPUT_CHARS == MAX_CHARS


def test_seconds_setting() -> None:
    assert seconds_setting(None, {}) == DEFAULT_SECONDS
    assert seconds_setting(None, {SECONDS_VARIABLE: " 1.5 "}) == 1.5
    assert seconds_setting(2.0, {SECONDS_VARIABLE: "1.5"}) == 2.0  # the option wins
    for bad in ("abc", "0", "-1", "nan", "inf", "100000"):
        with pytest.raises(ValueError, match=SECONDS_VARIABLE):
            seconds_setting(None, {SECONDS_VARIABLE: bad})
    with pytest.raises(ValueError, match="--template-seconds"):
        seconds_setting(0.0, {})


def test_time_limit_is_checked_in_operators(tmp_path: Path) -> None:
    source = """\
        {% macro grow(n) %}{% if n > 0 %}{{ grow(n - 1) }}{{ grow(n - 1) }}{% endif %}{% endmacro %}
        {{ grow(60) }}
        """
    started = time.monotonic()
    _, line, message = refusal(tmp_path, source, seconds=0.5)
    assert time.monotonic() - started < 5
    assert line == 1
    assert message == "template ran longer than the time limit of 0.5 seconds"


def _cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> tuple[int, str, float]:
    """Run the real CLI in a child; (status, stderr, seconds)."""
    environ = {
        k: v for k, v in os.environ.items() if k not in {SECONDS_VARIABLE, "CURRIBUILD_DEBUG"}
    }
    environ.update({"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "curribuild", *args],
            cwd=cwd,
            env=environ,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"curribuild {' '.join(args)} ran longer than {timeout} s")
    return done.returncode, done.stderr.decode("utf-8", "replace"), time.monotonic() - started


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _plan(tmp_path_factory.mktemp("limits-plan"))


def _plan(folder: Path) -> Path:
    needs = REPO / "curricula" / "ran-health-pcve" / "needs" / "forensic-psychiatry-in-person.yaml"
    target = folder / "plan.json"
    if not target.exists():
        result = CliRunner().invoke(app, ["plan", str(needs), "-o", str(target)])
        assert result.exit_code == 0, result.output
    return target


def test_template_seconds_option_and_variable(planned: Path, tmp_path: Path) -> None:
    spin = TESTS / "fixtures" / "templates" / "spin.j2"
    base = ["render", "-f", "md", "--plan", str(planned), "-o", "out.md", "--template", str(spin)]
    status, err, seconds = _cli([*base, "--template-seconds", "0.5"], tmp_path)
    assert status == 1 and "time limit of 0.5 seconds" in err and "spin.j2:2" in err, err
    assert seconds < 10
    status, err, seconds = _cli(base, tmp_path, {SECONDS_VARIABLE: "0.5"})
    assert status == 1 and "time limit of 0.5 seconds" in err, err
    assert seconds < 10
    for bad in ("0", "-3", "nan"):
        status, err, _ = _cli([*base, "--template-seconds", bad], tmp_path)
        assert status == 2 and "--template-seconds" in err and "Traceback" not in err, err
    status, err, _ = _cli(base, tmp_path, {SECONDS_VARIABLE: "soon"})
    assert status == 2 and SECONDS_VARIABLE in err and "Traceback" not in err, err
    assert not (tmp_path / "out.md").exists()


def test_help_documents_the_time_limit() -> None:
    result = CliRunner().invoke(app, ["render", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--template-seconds" in result.output
    assert SECONDS_VARIABLE in result.output


# --- the address-space backstop -----------------------------------------------------------

_OUT_OF_MEMORY = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from curribuild.errors import UserError
    from curribuild.render.sandbox import address_space_limit, render

    before = resource.getrlimit(resource.RLIMIT_AS)
    with address_space_limit(64 * 1024**2) as limit:
        print("LIMIT", limit)
        print("INSIDE", resource.getrlimit(resource.RLIMIT_AS)[0] != before[0])
    print("RESTORED", resource.getrlimit(resource.RLIMIT_AS) == before)
    try:
        render(Path(sys.argv[1]), {}, autoescape=False, memory_headroom=64 * 1024**2)
        print("RENDERED")
    except UserError as exc:
        print("USERERROR", exc.findings[0].code, exc.message)
    print("RESTORED", resource.getrlimit(resource.RLIMIT_AS) == before)
    """
)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc (Linux)")
def test_out_of_memory_is_a_located_error_and_the_limit_is_restored(tmp_path: Path) -> None:
    template = tmp_path / "hog.md.j2"
    lines = [f"{{% set v{i} = '{chr(97 + i)}' * 19000000 %}}" for i in range(12)]
    template.write_text("# Programme\n" + "\n".join(lines) + "\n{{ v0 | length }}\n")
    done = subprocess.run(
        [sys.executable, "-c", _OUT_OF_MEMORY, str(template)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"LIMIT {64 * 1024**2}" in out and "INSIDE True" in out, out
    assert "USERERROR CB701" in out and "template ran out of memory" in out, out
    assert "hog.md.j2:" in out, out
    assert out.count("RESTORED True") == 2, out


def test_a_tighter_limit_is_left_alone() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with sandbox.address_space_limit(None) as limit:
        assert limit is None
        assert resource.getrlimit(resource.RLIMIT_AS) == (soft, hard)


def test_render_does_not_load_ortools(planned: Path) -> None:
    code = (
        "import sys; from curribuild.commands import render;"
        f"render.run(__import__('pathlib').Path({str(planned)!r}), 'html', '-', None);"
        "sys.stderr.write('ORTOOLS %s' % any(m.startswith('ortools') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "ORTOOLS False" in done.stderr


# --- the hostile corpus, measured ---------------------------------------------------------

CORPUS = sorted(p.name for p in HOSTILE_TEMPLATES.glob("cap-*.md.j2"))


def _run_measured(args: list[str], cwd: Path, timeout: float) -> tuple[int, str, float, float]:
    started = time.monotonic()
    err_path = cwd / "stderr.txt"
    with err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "curribuild", *args],
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=_limit_child,  # the child runs no threads before exec
        )
        deadline = started + timeout
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                pytest.fail(f"curribuild {' '.join(args)} ran longer than {timeout} s")
            time.sleep(0.005)
    process.returncode = os.waitstatus_to_exitcode(status)
    return (
        process.returncode,
        err_path.read_text(encoding="utf-8", errors="replace"),
        time.monotonic() - started,
        peak_kb / 1024,
    )


def _high_water_kb(pid: int) -> int:
    """The child's peak resident memory so far (VmHWM, kB). Not ``ru_maxrss``: on
    Linux a child's maxrss starts from its parent's at fork and survives exec, so in
    a long test session every child would report the test runner's own size."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0  # exited (a zombie has no memory lines)


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))


@pytest.mark.parametrize("name", CORPUS)
def test_hostile_cap_case_is_fast_and_small(planned: Path, tmp_path: Path, name: str) -> None:
    """Each attack of issue 15 at full size: a located CB701 within seconds, and a peak
    memory of a normal render (they peaked at 0.6-5.9 GB before the caps)."""
    args = ["render", "-f", "md", "--plan", str(planned), "-o", "out.md"]
    args += ["--template", str(HOSTILE_TEMPLATES / name), "--template-seconds", "1"]
    status, err, seconds, peak = _run_measured(args, tmp_path, 30)
    assert status == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert f"{name}:" in err and "error CB701" in err, err
    assert seconds < 10, (seconds, err)
    assert peak < 200, (peak, err)
    assert not (tmp_path / "out.md").exists()
