"""Command-line wiring (Typer). Commands live in ``curribuild.commands``.

Only this module, Typer and the light ``findings``/``errors`` modules load at
start-up; each command imports what it needs (pydantic, yaml, jinja2) when run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from curribuild import __version__

app = typer.Typer(
    name="curribuild",
    help="Build, explain and check training curricula for mental health practitioners in P/CVE.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich formatting costs ~200 ms of imports at start-up
    context_settings={"help_option_names": ["-h", "--help"]},
)

T = TypeVar("T")


class CheckFormat(StrEnum):
    auto = "auto"
    text = "text"
    parsable = "parsable"
    github = "github"
    json = "json"
    sarif = "sarif"
    junit = "junit"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


ColorOption = Annotated[
    Color,
    typer.Option("--color", help="Colour output: auto (terminal and no NO_COLOR), always, never."),
]


def _guard(action: Callable[[], int]) -> None:
    """Run a command: user errors become messages and exit codes, never tracebacks."""
    from curribuild.errors import UserError

    try:
        code = action()
    except UserError as exc:
        from curribuild.output import print_error

        print_error(exc.message, exc.findings)
        raise typer.Exit(exc.exit_code) from None
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except RecursionError:
        sys.stderr.write("error: input is nested too deeply to process\n")
        raise typer.Exit(1) from None
    except Exception as exc:
        if os.environ.get("CURRIBUILD_DEBUG"):
            raise
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in curribuild; set CURRIBUILD_DEBUG=1 for details and report it.\n"
        )
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"curribuild {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Build, explain and check training curricula for mental health practitioners in P/CVE."""


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to check (default: the current folder)."),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format", "-f", help="Report format; auto: text on a terminal, parsable otherwise."
        ),
    ] = CheckFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", help="Only these codes or prefixes (comma-separated, e.g. CB1,CB201)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these codes or prefixes (comma-separated)."),
    ] = None,
    color: ColorOption = Color.auto,
    max_bytes: Annotated[
        int | None,
        typer.Option("--max-bytes", min=1, help="Size limit per file (default 10 MB)."),
    ] = None,
    max_seconds: Annotated[
        float | None,
        typer.Option("--max-seconds", min=0.001, help="Stop after this many seconds (CB015)."),
    ] = None,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            metavar="FORMAT=PATH",
            help="Also write the report as FORMAT (text, parsable, json, sarif, junit) to "
            "PATH, even when the check fails; repeatable, e.g. --output junit=report.xml.",
        ),
    ] = None,
) -> None:
    """Validate and lint every curriculum document under PATHS.

    Exit status: 0 no errors (warnings allowed unless --strict), 1 errors found,
    2 usage error.
    """

    def action() -> int:
        from curribuild.commands import check as command

        return command.run(
            paths or [],
            fmt.value,
            strict,
            select or [],
            ignore or [],
            color.value,
            max_bytes,
            max_seconds,
            output or [],
        )

    _guard(action)


@app.command()
def plan(
    needs: Annotated[Path, typer.Argument(help="The needs file (kind: needs).")],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the plan JSON (default build/plan.json; - for stdout).",
        ),
    ] = None,
    curriculum: Annotated[
        Path | None,
        typer.Option(
            "--curriculum", help="Curriculum folder (default: the needs file's `curriculum:`)."
        ),
    ] = None,
    color: ColorOption = Color.auto,
) -> None:
    """Plan a training programme for NEEDS and write it as JSON.

    Exit status: 0 planned, 1 invalid inputs or an infeasible plan, 2 usage error.
    """

    def action() -> int:
        from curribuild.commands import plan as command
        from curribuild.output import use_color

        stream = sys.stderr if output == "-" else sys.stdout
        return command.run(needs, output, curriculum, use_color(color.value, stream))

    _guard(action)


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def explain(
    needs: Annotated[Path, typer.Argument(help="The needs file (kind: needs).")],
    goal: Annotated[
        str | None, typer.Option("--goal", "-g", help="Explain only this goal.")
    ] = None,
    curriculum: Annotated[
        Path | None, typer.Option("--curriculum", help="Curriculum folder.")
    ] = None,
    fmt: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ExplainFormat.text,
    color: ColorOption = Color.auto,
) -> None:
    """Show every candidate method per goal: score, rules fired, and why the winner won."""

    def action() -> int:
        from curribuild.commands import explain as command
        from curribuild.output import use_color

        return command.run(needs, goal, curriculum, fmt.value, use_color(color.value, sys.stdout))

    _guard(action)


class RenderFormat(StrEnum):
    md = "md"
    html = "html"
    ics = "ics"
    json = "json"
    evaluation = "evaluation"


class RenderAudience(StrEnum):
    coordinator = "coordinator"
    participants = "participants"


@app.command()
def render(
    fmt: Annotated[RenderFormat, typer.Option("--format", "-f", help="Output format.")],
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Plan JSON to render (default build/plan.json).")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="Output file (default build/programme.EXT; - for stdout)."
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="A Jinja2 template to use instead of the bundled one."),
    ] = None,
    template_seconds: Annotated[
        float | None,
        typer.Option(
            "--template-seconds",
            envvar="CURRIBUILD_TEMPLATE_SECONDS",
            show_envvar=True,
            help="Time limit for rendering a template, in seconds (default 5, at most 3600).",
        ),
    ] = None,
    audience: Annotated[
        RenderAudience | None,
        typer.Option(
            "--audience",
            help="Who reads it (md and html only): coordinator (the whole plan and the "
            "arrangements, the default) or participants (a handout).",
        ),
    ] = None,
) -> None:
    """Render a plan as Markdown, standalone HTML, an iCalendar file or JSON, or its
    evaluation forms (--format evaluation: printable HTML and a CSV template per
    instrument, into the folder -o, default build/evaluation).

    Templates run in Jinja2's sandbox. A ./templates/programme.FORMAT.j2 overrides the
    bundled template. Every string and list a template builds is capped at 20,000,000
    characters or items, like its output; rendering stops after 5 seconds
    (--template-seconds).
    """

    def action() -> int:
        from curribuild.commands import render as command

        return command.run(
            plan,
            fmt.value,
            output,
            template,
            template_seconds,
            audience.value if audience is not None else None,
        )

    _guard(action)


@app.command()
def intake(
    responses: Annotated[
        Path | None,
        typer.Argument(help="The survey export: a CSV (LimeSurvey) or xlsx (Microsoft Forms)."),
    ] = None,
    map_path: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="The intake map (kind: intake) saying which column means what "
            "(default: the bundled ran-health-pcve survey map).",
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option("--output", "-o", help="Where to write the draft needs file (- for stdout)."),
    ] = "-",
    ident: Annotated[
        str | None, typer.Option("--id", help="The needs id (default: from the output's name).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The programme's title.")] = None,
    participants: Annotated[
        int | None,
        typer.Option(
            "--participants", min=1, max=10_000, help="Group size (default: the respondents)."
        ),
    ] = None,
    write_map: Annotated[
        str | None,
        typer.Option(
            "--write-map",
            metavar="PATH",
            help="Write the bundled intake map to PATH as a template to adapt, and stop.",
        ),
    ] = None,
) -> None:
    """Draft a needs file from a needs-assessment survey export: aggregates only.

    Exit status: 0 written, 1 unreadable export or map (located errors), 2 usage error.
    """

    def action() -> int:
        from curribuild.commands import intake as command

        return command.main(responses, map_path, output, ident, title, participants, write_map)

    _guard(action)


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


@app.command()
def evaluate(
    plan_path: Annotated[
        Path, typer.Argument(metavar="PLAN", help="The plan the forms were made for (plan.json).")
    ],
    results: Annotated[
        list[Path],
        typer.Argument(
            metavar="RESULTS...",
            help="Filled-in results sheets (CSV or xlsx, the column ids of "
            "`curribuild render --format evaluation`); several are read as one.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", help="Where to write the report: report.html or report.md (- stdout)."
        ),
    ] = "-",
    fmt: Annotated[
        ReportFormat | None,
        typer.Option("--format", help="md or html (default: from -o's extension, else md)."),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Also append the anonymised aggregates to the curriculum's evidence/ folder.",
        ),
    ] = False,
    curriculum: Annotated[
        Path,
        typer.Option("--curriculum", help="The curriculum repository to --record into."),
    ] = Path(),
    min_group: Annotated[
        int,
        typer.Option(
            "--min-group",
            min=2,
            max=10_000,
            help="Record no aggregate of fewer respondents than this (anonymity).",
        ),
    ] = 5,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The follow-up's date, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Report on the filled-in evaluation forms of a plan: reaction, learning (pre to
    post) and behaviour at the follow-up, per goal, method and learning type, with
    flags; --record keeps the aggregates as evidence that later plans' rules read.

    Exit status: 0 reported, 1 unreadable or invalid results (located errors) or a
    group too small to record, 2 usage error.
    """

    def action() -> int:
        from curribuild.commands import evaluate as command

        return command.run(
            plan_path,
            results,
            output,
            fmt.value if fmt is not None else None,
            record,
            curriculum,
            min_group,
            date,
        )

    _guard(action)


@app.command()
def schema(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="One kind: needs, goals, methods, rules, rule-tests, config, intake, plan.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="Folder for the schemas (default build/schemas); - for stdout."
        ),
    ] = None,
) -> None:
    """Write the JSON Schema of each document kind, for editors (yaml-language-server)."""

    def action() -> int:
        from curribuild.commands import schema as command

        return command.run(kind, output)

    _guard(action)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the repository in.")] = Path(),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    install_spec: Annotated[
        str | None,
        typer.Option(
            "--install-spec",
            metavar="SPEC",
            help=f"What the CI jobs pip install (default curribuild=={__version__}): a "
            "version, a wheel, or a git URL such as "
            "'curribuild @ git+https://HOST/OWNER/curribuild.git@TAG'.",
        ),
    ] = None,
) -> None:
    """Scaffold a curriculum repository that extends the bundled curriculum.

    Creates a config, starter goals, methods, rules and rule tests, a needs example,
    a pre-commit config, a GitHub Actions workflow and a GitLab CI job.
    """

    def action() -> int:
        from curribuild.commands import init as command

        return command.run(directory, force, install_spec)

    _guard(action)


class ListWhat(StrEnum):
    methods = "methods"
    goals = "goals"
    rules = "rules"
    codes = "codes"


@app.command(name="list")
def list_(
    what: Annotated[ListWhat, typer.Argument(help="What to list.")],
    curriculum: Annotated[
        Path | None,
        typer.Option("--curriculum", help="Curriculum folder (default: the bundled one)."),
    ] = None,
    color: ColorOption = Color.auto,
) -> None:
    """List the methods, goals or rules of a curriculum, or the check codes."""

    def action() -> int:
        from curribuild.commands import codes, listing
        from curribuild.output import use_color

        colored = use_color(color.value, sys.stdout)
        if what is ListWhat.codes:  # the same list as `curribuild codes`
            return codes.run(None, colored)
        return listing.run(what.value, curriculum, colored)

    _guard(action)


@app.command()
def codes(
    code: Annotated[str | None, typer.Argument(help="A check code, e.g. CB101.")] = None,
    color: ColorOption = Color.auto,
) -> None:
    """List the check codes, or print the documentation of one."""

    def action() -> int:
        from curribuild.commands import codes as command
        from curribuild.output import use_color

        return command.run(code, use_color(color.value, sys.stdout))

    _guard(action)


def main() -> None:
    """Console-script entry point."""
    app()
