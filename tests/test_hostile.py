"""The hostile-input corpus: every case through the real CLI, in a child process.

Each case in ``tests/hostile/cases.yaml`` names an input under
``tests/hostile/`` (a file or a small folder), or a generator or set-up hook
defined here for inputs too large to keep in the repository or that need the
file system (symlinks, pipes, devices, files that vanish). The case is copied
into a fresh folder and run there as ``python -m curribuild ...`` with a time
limit and a 2 GiB address-space limit, so a hang or a memory blow-up fails the
test instead of the machine.

Every case asserts: no Python traceback (nor curribuild's "internal error"
fallback), the expected exit status, and the expected check code at the
expected ``path:line:col`` (``check --format parsable`` prints
``path:line:col: [severity] message (CODE)``; ``plan`` and ``render`` print
``  path:line:col: severity CODE message`` under their error line).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

HOSTILE = Path(__file__).resolve().parent / "hostile"
REPO = HOSTILE.parent.parent
BUNDLED_NEEDS = (
    REPO / "curricula" / "ran-health-pcve" / "needs" / "first-line-basics.yaml"  # plans in seconds
)
MEMORY_LIMIT = 2 * 1024**3
DEFAULT_TIMEOUT = 30.0

# `path:line:col: [severity] message (CODE)` (check --format parsable)
PARSABLE = re.compile(
    r"^(?P<path>\S.*?):(?P<line>\d+):(?P<col>\d+): "
    r"\[(?:error|warning|info)\] .* \((?P<code>CB\d{3})\)$"
)
# `  path:line:col: severity CODE message` (errors of plan, render, explain)
ERROR_LINE = re.compile(
    r"^\s*(?P<path>\S.*?):(?P<line>\d+):(?P<col>\d+): (?:error|warning|info) (?P<code>CB\d{3}) "
)
ANY_CODE = re.compile(r"\bCB\d{3}\b")
# The only workflow commands curribuild writes: the github reporter's annotations.
ANNOTATION = re.compile(
    r"^::(?:error|warning|notice) (?:file=[^,\n]*,)?(?:line=\d+,col=\d+,)?"
    r"title=CB\d{3} \((?:error|warning|info)\)::"
)
COMMAND_LINE = re.compile(r"^\s*::|##\[")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# --- inputs too large for the repository -------------------------------------------------


def _write(run: Path, name: str, text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    (run / name).write_bytes(data)
    return name


def deep_flow_sequences(run: Path) -> str:
    return _write(run, "deep-flow.yaml", "kind: goals\ngoals: " + "[" * 100_000 + "]" * 100_000)


def deep_flow_mappings(run: Path) -> str:
    body = "{a: " * 100_000 + "1" + "}" * 100_000
    return _write(run, "deep-flow-mappings.yaml", "kind: goals\ngoals: " + body + "\n")


def deep_block_sequences(run: Path) -> str:
    # `- - - x` opens one block sequence per dash: 100,000 levels in one line.
    return _write(run, "deep-block.yaml", "kind: goals\ngoals:\n" + "- " * 100_000 + "x\n")


def unclosed_deep_flow(run: Path) -> str:
    return _write(run, "unclosed-deep-flow.yaml", "kind: goals\ngoals: " + "[" * 100_000 + "\n")


def very_long_line(run: Path) -> str:
    return _write(run, "long-line.yaml", "kind: needs\nid: long\ntitle: " + "x" * 3_000_000 + "\n")


def very_long_key(run: Path) -> str:
    return _write(run, "long-key.yaml", "kind: needs\nid: long\n" + "k" * 2000 + ": 1\ntitle: T\n")


def many_documents(run: Path) -> str:
    text = "kind: needs\nid: first\ntitle: First\n" + "---\nkind: needs\n" * 100_000
    return _write(run, "many-documents.yaml", text)


def wide_flow_sequence(run: Path) -> str:
    # 200,000 invalid goals on one line: 200,000 findings, each on a 600 kB line.
    items = ", ".join(["1"] * 200_000)
    return _write(run, "wide.yaml", "kind: goals\ngoals: [" + items + "]\n")


def over_default_size(run: Path) -> str:
    head = b"kind: needs\nid: big\ntitle: Big\n"
    return _write(run, "big.yaml", head + (b"# " + b"x" * 98 + b"\n") * 100_001)


def deep_json_plan(run: Path) -> str:
    return _write(run, "deep-plan.json", "[" * 100_000 + "]" * 100_000)


MAKERS: dict[str, Callable[[Path], str]] = {
    f.__name__: f
    for f in (
        deep_flow_sequences,
        deep_flow_mappings,
        deep_block_sequences,
        unclosed_deep_flow,
        very_long_line,
        very_long_key,
        many_documents,
        wide_flow_sequence,
        over_default_size,
        deep_json_plan,
    )
}


# --- file-system set-ups: return substitutions for the command line ----------------------

GOOD_GOALS = """\
kind: goals
goals:
  - id: fs-goal
    title: A goal
    statement: Explain file systems.
    domain: knowledge
    bloom: understand
    topics: [file-systems]
    minutes: 30
"""


def none(run: Path) -> dict[str, str]:
    return {}


def output_is_directory(run: Path) -> dict[str, str]:
    (run / "output.json").mkdir()
    return {"out": "output.json"}


def output_under_regular_file(run: Path) -> dict[str, str]:
    (run / "file.txt").write_text("not a folder\n")
    return {"out": "file.txt/out.json"}


def output_in_unwritable_folder(run: Path) -> dict[str, str]:
    """A folder the run cannot write to; root ignores modes, so then use one it cannot either."""
    folder = run / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    probe = folder / "probe"
    try:
        probe.write_text("x")
    except OSError:
        return {"out": "locked/plan.json"}
    probe.unlink()
    folder.chmod(stat.S_IRWXU)
    # Running as root: sysfs refuses new files even to root; else a path under a file.
    sys_probe = Path("/sys") / "curribuild-probe"
    if Path("/sys").is_dir():
        try:
            sys_probe.write_text("x")
        except OSError:
            return {"out": "/sys/curribuild-hostile-plan.json"}
        sys_probe.unlink()
    (run / "locked.txt").write_text("a file\n")
    return {"out": "locked.txt/plan.json"}


def symlink_to_parent(run: Path) -> dict[str, str]:
    cur = run / "cur"
    (cur / "sub").mkdir(parents=True)
    (cur / "goals.yaml").write_text(GOOD_GOALS)
    (cur / "sub" / "up").symlink_to("..", target_is_directory=True)
    (cur / "sub" / "root").symlink_to(run, target_is_directory=True)
    return {}


def symlink_to_itself(run: Path) -> dict[str, str]:
    (run / "goals.yaml").write_text(GOOD_GOALS)
    (run / "loop.yaml").symlink_to("loop.yaml")
    return {}


def dangling_symlink(run: Path) -> dict[str, str]:
    (run / "gone.yaml").symlink_to("does-not-exist.yaml")
    return {}


def named_pipe(run: Path) -> dict[str, str]:
    os.mkfifo(run / "pipe.yaml")
    return {}


def device_file(run: Path) -> dict[str, str]:
    (run / "zero.yaml").symlink_to("/dev/zero")
    return {}


def folder_named_like_yaml(run: Path) -> dict[str, str]:
    (run / "goals.yaml").mkdir()
    (run / "goals.yaml" / "inner.yaml").write_text(GOOD_GOALS)
    return {}


def vanishing_files(run: Path) -> dict[str, str]:
    (run / "goals.yaml").write_text(GOOD_GOALS)
    (run / "vanish.yaml").write_text(GOOD_GOALS.replace("fs-goal", "vanishing-goal"))
    return {}


CONFINED_NEEDS = "kind: needs\nid: confined\ntitle: Confined\ncurriculum: {ref}\n"
OUTSIDE_CONFIG = "kind: config\nname: outside\nextends: ran-health-pcve\n"


def _outside_curriculum(run: Path) -> Path:
    """A valid curriculum next to the run folder, outside its repository."""
    outside = run.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "curriculum.yaml").write_text(OUTSIDE_CONFIG)
    (outside / "goals.yaml").write_text(GOOD_GOALS.replace("fs-goal", "outside-goal"))
    return outside


def curriculum_symlink_outside(run: Path) -> dict[str, str]:
    (run / "cur").symlink_to(_outside_curriculum(run), target_is_directory=True)
    (run / "needs.yaml").write_text(CONFINED_NEEDS.format(ref="cur"))
    return {}


def curriculum_config_is_fifo(run: Path) -> dict[str, str]:
    (run / "cur").mkdir()
    os.mkfifo(run / "cur" / "curriculum.yaml")
    (run / "needs.yaml").write_text(CONFINED_NEEDS.format(ref="cur"))
    return {}


def curriculum_config_is_device(run: Path) -> dict[str, str]:
    (run / "cur").mkdir()
    (run / "cur" / "curriculum.yaml").symlink_to("/dev/zero")
    (run / "needs.yaml").write_text(CONFINED_NEEDS.format(ref="cur"))
    return {}


def curriculum_is_device(run: Path) -> dict[str, str]:
    (run / "cur").symlink_to("/dev/zero")
    (run / "needs.yaml").write_text(CONFINED_NEEDS.format(ref="cur"))
    return {}


def extends_symlink_outside(run: Path) -> dict[str, str]:
    (run / "base").symlink_to(_outside_curriculum(run), target_is_directory=True)
    (run / "curriculum.yaml").write_text("kind: config\nextends: base\n")
    (run / "goals.yaml").write_text(GOOD_GOALS)
    return {}


def curriculum_outside_on_command_line(run: Path) -> dict[str, str]:
    return {"outside": str(_outside_curriculum(run))}


def curriculum_in_git_work_tree(run: Path) -> dict[str, str]:
    """A repository (a `.git` marker) with the needs one folder below the curriculum's
    sibling: `../cur` stays inside the work tree."""
    (run / ".git").mkdir()
    (run / "cur").mkdir()
    (run / "cur" / "curriculum.yaml").write_text(OUTSIDE_CONFIG.replace("outside", "cur"))
    (run / "cur" / "goals.yaml").write_text(GOOD_GOALS)
    (run / "needs").mkdir()
    (run / "needs" / "n.yaml").write_text(CONFINED_NEEDS.format(ref="../cur"))
    return {}


# A file name that is a workflow command on its own line, with a terminal escape.
COMMAND_NAME = "evil\n::error file=x.yaml::pwned\x1b[31m\u202e.yaml"


def workflow_command_file_name(run: Path) -> dict[str, str]:
    (run / COMMAND_NAME).write_text("kind: goals\ngoals: [\n")
    return {"evil": COMMAND_NAME}


def workflow_command_needs_name(run: Path) -> dict[str, str]:
    (run / COMMAND_NAME).write_text("kind: needs\nid: Bad_Id\ntitle: x\n")
    return {"evil": COMMAND_NAME}


# --- issue 15: cycles, deep and wide rule conditions ------------------------------------

HOSTILE_NEEDS = (
    "kind: needs\nid: hostile-needs\ntitle: Hostile needs\n"
    "gaps:\n  - topic: hostile-topic\n    priority: high\nconstraints:\n  days: 2\n"
)
HOSTILE_GOAL = """\
  - id: {id}
    title: Goal {id}
    statement: Explain {id}.
    domain: knowledge
    bloom: understand
    topics: [hostile-topic]
    minutes: 60
    requires: [{requires}]
"""


def _curriculum(folder: Path, goals: str, rules: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "curriculum.yaml").write_text(
        f"kind: config\nname: {folder.name}\nextends: ran-health-pcve\n"
    )
    (folder / "goals.yaml").write_text("kind: goals\ngoals:\n" + goals)
    if rules is not None:
        (folder / "rules.yaml").write_text(rules)
    (folder / "needs.yaml").write_text(HOSTILE_NEEDS)


def one_10000_goal_cycle(run: Path) -> dict[str, str]:
    """g0 -> g1 -> ... -> g9999 -> g0: one cycle through 10,000 goals."""
    n = 10_000
    goals = "".join(HOSTILE_GOAL.format(id=f"g{i}", requires=f"g{(i + 1) % n}") for i in range(n))
    _curriculum(run, goals)
    return {}


def many_small_cycles(run: Path) -> dict[str, str]:
    """5,000 two-goal cycles among 10,000 goals: g0 <-> g1, g2 <-> g3, ..."""
    goals = "".join(HOSTILE_GOAL.format(id=f"g{i}", requires=f"g{i ^ 1}") for i in range(10_000))
    _curriculum(run, goals)
    return {}


LEAF = "{fact: goal.minutes, gt: 30}"
FINE_GOAL = HOSTILE_GOAL.format(id="fine", requires="")


def _rule(when: str) -> str:
    return (
        "kind: rules\nrules:\n  - id: hostile-condition\n    description: Hostile.\n"
        f"    when: {when}\n    then: {{score: 1}}\n"
    )


def _deep_curriculum(run: Path, when: str, raised: bool = False) -> dict[str, str]:
    """The curriculum in ``cur/`` (with ``raised``, under a repository config that
    raises the nesting limit to its maximum, 1000), needs in the run folder."""
    _curriculum(run / "cur", FINE_GOAL, _rule(when))
    (run / "needs.yaml").write_text(HOSTILE_NEEDS.replace("title:", "curriculum: cur\ntitle:"))
    if raised:
        (run / "curribuild.yaml").write_text("kind: config\nlimits:\n  max_depth: 1000\n")
        # the deep rule must hold and fire: an even number of `not` around a true leaf
        (run / "cur" / "rule-tests.yaml").write_text(
            "kind: rule-tests\ncases:\n  - id: deep-rule-fires\n"
            "    given: {goal: {minutes: 60}}\n    expect: {fires: [hostile-condition]}\n"
        )
    return {}


def not_5000_deep(run: Path) -> dict[str, str]:
    return _deep_curriculum(run, "{not: " * 5000 + LEAF + "}" * 5000)


def all_any_3000_deep(run: Path) -> dict[str, str]:
    return _deep_curriculum(run, "{all: [{any: [" * 1500 + LEAF + "]}]}" * 1500)


def not_250_deep_under_raised_limit(run: Path) -> dict[str, str]:
    return _deep_curriculum(run, "{not: " * 250 + LEAF + "}" * 250, raised=True)


def mixed_249_deep_under_raised_limit(run: Path) -> dict[str, str]:
    return _deep_curriculum(run, "{any: [{all: [{not: {not: " * 62 + LEAF + "}}]}]}" * 62, True)


def not_900_deep_under_raised_limit(run: Path) -> dict[str, str]:
    return _deep_curriculum(run, "{not: " * 900 + LEAF + "}" * 900, raised=True)


def any_of_20000(run: Path) -> dict[str, str]:
    return _deep_curriculum(run, "{any: [" + ", ".join([LEAF] * 20_000) + "]}")


def all_of_20000(run: Path) -> dict[str, str]:
    leaves = (f"{{fact: goal.minutes, gt: {i % 50}}}" for i in range(20_000))
    return _deep_curriculum(run, "{all: [" + ", ".join(leaves) + "]}")


# --- issue 15: templates, plans and outputs that are links or special files --------------


def _outside_file(run: Path, name: str, text: str) -> Path:
    outside = run.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / name).write_text(text)
    return outside / name


def template_symlink_outside(run: Path) -> dict[str, str]:
    # the same name on both sides: the sandbox looks a template up by name in its folder
    target = _outside_file(run, "evil.md.j2", "OUTSIDE-TEMPLATE-WAS-READ {{ 7*7 }}\n")
    (run / "evil.md.j2").symlink_to(target)
    return {"template": "evil.md.j2"}


def template_symlink_to_secret(run: Path) -> dict[str, str]:
    _outside_file(run, "secret.txt", "OUTSIDE-SECRET\n")
    (run / "secret.md.j2").symlink_to(run.parent / "outside" / "secret.txt")
    return {"template": "secret.md.j2"}


def local_template_symlink_outside(run: Path) -> dict[str, str]:
    """``templates/programme.md.j2``, picked up without --template, links out."""
    target = _outside_file(run, "programme.md.j2", "OUTSIDE-TEMPLATE-WAS-READ\n")
    (run / "templates").mkdir()
    (run / "templates" / "programme.md.j2").symlink_to(target)
    return {}


def template_symlink_inside(run: Path) -> dict[str, str]:
    (run / "shared").mkdir()
    (run / "shared" / "base.md.j2").write_text("INSIDE {{ plan.needs.id }}\n")
    (run / "programme.md.j2").symlink_to(Path("shared") / "base.md.j2")
    return {"template": "programme.md.j2"}


def template_is_dev_zero(run: Path) -> dict[str, str]:
    (run / "zero.md.j2").symlink_to("/dev/zero")
    return {"template": "zero.md.j2"}


def template_is_fifo(run: Path) -> dict[str, str]:
    os.mkfifo(run / "fifo.md.j2")
    return {"template": "fifo.md.j2"}


def template_dangling_symlink(run: Path) -> dict[str, str]:
    (run / "gone.md.j2").symlink_to("does-not-exist.md.j2")
    return {"template": "gone.md.j2"}


def plan_is_fifo(run: Path) -> dict[str, str]:
    os.mkfifo(run / "fifo.json")
    return {"plan_file": "fifo.json"}


def plan_is_dev_zero(run: Path) -> dict[str, str]:
    (run / "zero.json").symlink_to("/dev/zero")
    return {"plan_file": "zero.json"}


PRECIOUS = "precious: must stay as it is\n"


def output_symlink_outside(run: Path) -> dict[str, str]:
    target = _outside_file(run, "precious.txt", PRECIOUS)
    (run / "out.json").symlink_to(target)
    return {"out": "out.json", "outside": str(target)}


def output_dangling_symlink(run: Path) -> dict[str, str]:
    (run / "out.json").symlink_to(run.parent / "outside" / "created-elsewhere.json")
    return {"out": "out.json"}


def output_is_fifo(run: Path) -> dict[str, str]:
    os.mkfifo(run / "out.json")
    return {"out": "out.json"}


def output_is_device(run: Path) -> dict[str, str]:
    """A character device node (the `-o /dev/null` a root CI job would replace); only
    root can make one: otherwise a FIFO stands in."""
    try:
        os.mknod(run / "out.json", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        os.mkfifo(run / "out.json")
    return {"out": "out.json"}


SETUPS: dict[str, Callable[[Path], dict[str, str]]] = {
    f.__name__: f
    for f in (
        one_10000_goal_cycle,
        many_small_cycles,
        not_5000_deep,
        all_any_3000_deep,
        not_250_deep_under_raised_limit,
        mixed_249_deep_under_raised_limit,
        not_900_deep_under_raised_limit,
        any_of_20000,
        all_of_20000,
        template_symlink_outside,
        template_symlink_to_secret,
        local_template_symlink_outside,
        template_symlink_inside,
        template_is_dev_zero,
        template_is_fifo,
        template_dangling_symlink,
        plan_is_fifo,
        plan_is_dev_zero,
        output_symlink_outside,
        output_dangling_symlink,
        output_is_fifo,
        output_is_device,
        none,
        output_is_directory,
        output_under_regular_file,
        output_in_unwritable_folder,
        symlink_to_parent,
        symlink_to_itself,
        dangling_symlink,
        named_pipe,
        device_file,
        folder_named_like_yaml,
        vanishing_files,
        curriculum_symlink_outside,
        curriculum_config_is_fifo,
        curriculum_config_is_device,
        curriculum_is_device,
        extends_symlink_outside,
        curriculum_outside_on_command_line,
        curriculum_in_git_work_tree,
        workflow_command_file_name,
        workflow_command_needs_name,
    )
}

# Runs the CLI with file discovery patched so that files named vanish*.yaml are
# deleted between being found and being read.
VANISH = """\
import sys
import curribuild.checks.runner as runner

found_files = runner.collect_files

def collect_then_delete(paths, *rest, **options):
    found = found_files(paths, *rest, **options)
    for item in found:
        file = item[0] if isinstance(item, tuple) else item
        if file.name.startswith("vanish"):
            file.unlink()
    return found

runner.collect_files = collect_then_delete
from curribuild.cli import main
sys.argv[0] = "curribuild"
main()
"""
WRAPPERS = {"vanish": VANISH}


# --- running a case ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    expect: dict[str, Any]
    input: str | None = None
    make: str | None = None
    setup: str | None = None
    wrapper: str | None = None
    plan: bool = False
    before: tuple[tuple[str, ...], ...] = ()
    timeout: float = DEFAULT_TIMEOUT


def load_cases() -> list[Case]:
    raw = yaml.safe_load((HOSTILE / "cases.yaml").read_text(encoding="utf-8"))
    cases = []
    for item in raw["cases"]:
        item = dict(item)
        item.setdefault("args", ["check", "--format", "parsable", "{input}"])
        item["before"] = tuple(tuple(step) for step in item.get("before", ()))
        cases.append(Case(**item))
    return cases


CASES = load_cases()


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def child_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"FORCE_COLOR", "GITHUB_ACTIONS", "CURRIBUILD_DEBUG", "PYTHONWARNINGS"}
    }
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "200"
    return env


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def located(self) -> set[tuple[str, int, int, str]]:
        found = set()
        for line in self.output.splitlines():
            match = PARSABLE.match(line) or ERROR_LINE.match(line)
            if match:
                found.add((match["path"], int(match["line"]), int(match["col"]), match["code"]))
        return found

    def codes(self) -> set[str]:
        return set(ANY_CODE.findall(self.output))

    def describe(self) -> str:
        def cut(text: str) -> str:
            return text if len(text) < 3000 else text[:3000] + f"... [{len(text):,} chars]"

        return (
            f"exit {self.status} after {self.seconds:.1f} s\n"
            f"--- stdout\n{cut(self.stdout)}\n--- stderr\n{cut(self.stderr)}"
        )


def run_cli(args: list[str], cwd: Path, timeout: float, wrapper: str | None = None) -> Outcome:
    """``python -m curribuild ARGS`` in ``cwd``, bounded in time and memory."""
    head = ["-c", WRAPPERS[wrapper]] if wrapper else ["-m", "curribuild"]
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, *head, *args],
            cwd=cwd,
            env=child_env(),
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_child,  # the child runs no threads before exec
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        err = (exc.stderr or b"").decode("utf-8", "replace")
        pytest.fail(
            f"curribuild {' '.join(args)} did not finish within {timeout:g} s (hang?)\n"
            f"--- stdout\n{out[:2000]}\n--- stderr\n{err[:2000]}"
        )
    return Outcome(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        time.monotonic() - started,
    )


@pytest.fixture(scope="session")
def bundled_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan of the bundled forensic-psychiatry needs, for the render cases."""
    folder = tmp_path_factory.mktemp("bundled-plan")
    outcome = run_cli(["plan", str(BUNDLED_NEEDS), "-o", "plan.json"], folder, 120)
    assert outcome.status == 0, outcome.describe()
    return folder / "plan.json"


def prepare(case: Case, run: Path, bundled_plan: Callable[[], Path]) -> dict[str, str]:
    """Fill the run folder for ``case``; return the substitutions for its command line."""
    subs: dict[str, str] = {"input": ".", "out": "out/plan.json"}
    if case.input is not None:
        source = HOSTILE / case.input
        assert source.exists(), f"missing corpus input {source}"
        if source.is_dir():
            shutil.copytree(source, run, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, run / source.name)
            subs["input"] = source.name
    if case.make is not None:
        subs["input"] = MAKERS[case.make](run)
    if case.setup is not None:
        subs.update(SETUPS[case.setup](run))
    if case.plan:
        shutil.copyfile(bundled_plan(), run / "plan.json")
    subs["needs"] = str(BUNDLED_NEEDS)
    return subs


def _same_path(reported: str, expected: str, run: Path) -> bool:
    def absolute(path: str) -> Path:
        # no resolve(): the corpus has symlink loops, which resolve() refuses
        return Path(os.path.normpath(run / path))

    return absolute(reported) == absolute(expected)


def check_expectations(case: Case, outcome: Outcome, run: Path) -> None:
    expect = case.expect
    report = f"case {case.id}: curribuild {' '.join(case.args)}\n{outcome.describe()}"
    assert "Traceback" not in outcome.output, report
    assert "internal error" not in outcome.output, report
    allowed = expect["exit"] if isinstance(expect["exit"], list) else [expect["exit"]]
    assert outcome.status in allowed, report
    if "seconds" in expect:
        assert outcome.seconds < expect["seconds"], f"slower than {expect['seconds']} s\n{report}"
    code = expect.get("code")
    if code is not None:
        assert code in outcome.codes(), report
    at = expect.get("at")
    if at is not None:
        choices = [at] if isinstance(at, str) else list(at)
        wanted = []
        for choice in choices:
            path, line, col = choice.rsplit(":", 2)
            wanted.append((path, int(line), int(col)))
        hits = [
            (p, ln, c)
            for p, ln, c, found_code in outcome.located()
            if found_code == code
            and any(_same_path(p, wp, run) and (ln, c) == (wl, wc) for wp, wl, wc in wanted)
        ]
        assert hits, f"expected {code} at {' or '.join(choices)}\n{report}"
    for absent in expect.get("absent", []):
        assert not any(c.startswith(absent) for c in outcome.codes()), report
    if expect.get("clean"):
        assert not outcome.codes() - set(expect.get("allow", [])), report
    if expect.get("inert"):
        # no data became a workflow command or a terminal escape (annotations aside)
        for text in outcome.output.splitlines():
            if ANNOTATION.match(text):
                continue
            assert not COMMAND_LINE.search(text), f"workflow command {text!r}\n{report}"
            assert not CONTROL.search(text), f"control character in {text!r}\n{report}"
    pattern = expect.get("stderr")
    if pattern is not None:
        assert re.search(pattern, outcome.stderr), report
    pattern = expect.get("stdout")
    if pattern is not None:
        assert re.search(pattern, outcome.stdout), report
    for name in expect.get("files", []):
        assert (run / name).is_file(), f"{name} was not written\n{report}"
    for name in expect.get("no_files", []):
        assert not (run / name).exists(), f"{name} should not exist\n{report}"
    for name, pattern in expect.get("file_matches", {}).items():
        text = (run / name).read_text(encoding="utf-8")
        assert re.search(pattern, text), f"{name} does not match {pattern!r}\n{text[:3000]}"
    for name, pattern in expect.get("file_lacks", {}).items():
        text = (run / name).read_text(encoding="utf-8")
        found = re.search(pattern, text)
        assert found is None, f"{name} holds {found and found.group()!r}\n{text[:3000]}"
    for name in expect.get("json_files", []):
        json.loads((run / name).read_text(encoding="utf-8"))
    for name in expect.get("xml_files", []):
        ElementTree.parse(run / name)
    if "ics" in expect:
        assert_calendar_inert(run / expect["ics"], run / "plan.json")
    if "html" in expect:
        assert_html_inert(run / expect["html"])
    if "md" in expect:
        assert_markdown_inert(run / expect["md"])


# --- injection: output files hold data as inert text (issue 15) --------------------------


def assert_calendar_inert(ics: Path, plan_file: Path) -> None:
    """One event per session (teaching, debrief, reflection) and follow-up of the plan,
    whatever the titles hold, read by two parsers; no data line became a property."""
    import icalendar
    import vobject

    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    sessions = [s for day in plan["days"] for s in day["sessions"]]
    events = sum(s["kind"] in ("teaching", "debrief", "reflection") for s in sessions)
    expected = events + len(plan["follow_up"])
    raw = ics.read_bytes()
    calendar = icalendar.Calendar.from_ical(raw)
    assert len(calendar.walk("VEVENT")) == expected, raw[:3000]
    parsed = vobject.readOne(raw.decode("utf-8"))
    assert len(parsed.contents.get("vevent", [])) == expected
    lines = raw.decode("utf-8").split("\r\n")
    assert sum(line == "BEGIN:VEVENT" for line in lines) == expected
    assert not [line for line in lines if line.startswith("SUMMARY:injected")]
    assert all("\r" not in line and "\n" not in line for line in lines)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_html_inert(html: Path) -> None:
    """No script element, no event attribute, no ``javascript:`` URL, no injected tag."""
    text = html.read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "img", "iframe", "object", "embed"}, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            url = re.sub(r"\s", "", value or "").lower()
            assert not url.startswith("javascript:"), (tag, name, value)
    assert "<script" not in text.lower()


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_ROW = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def _assert_table_rows_keep_their_cells(text: str) -> None:
    """Every row of a pipe table has its header's number of unescaped pipes, so no
    pipe or newline in data split a cell or started a row."""
    lines = text.splitlines()
    for index, line in enumerate(lines[1:], 1):
        if not _DELIMITER_ROW.match(line):
            continue
        width = len(_UNESCAPED_PIPE.findall(lines[index - 1]))
        for row in lines[index + 1 :]:
            if not row.startswith("|"):
                break
            assert len(_UNESCAPED_PIPE.findall(row)) == width, f"row {row[:300]!r}"


def assert_markdown_inert(md: Path) -> None:
    """GitHub-flavoured Markdown: no raw HTML, no ``javascript:`` link, table rows
    with their header's number of cells, and each Mermaid gantt line a task line."""
    from markdown_it import MarkdownIt

    text = md.read_text(encoding="utf-8")
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # every link through, to see its target
    tokens = parser.parse(text)
    _assert_table_rows_keep_their_cells(text)
    stack = list(tokens)
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        assert token.type not in {"html_block", "html_inline"}, token.content[:500]
        href = str(token.attrGet("href") or "")
        assert not re.sub(r"\s", "", href).lower().startswith("javascript:"), href
        if token.type == "fence" and token.info.strip() == "mermaid":
            for line in token.content.splitlines():
                stripped = line.strip()
                assert not stripped.startswith(("%%", "click", "call")), line
                assert "%%{" not in line and ";" not in line and "#" not in line, line
    header, cells, counting = 0, 0, "body"
    for token in tokens:
        if token.type == "thead_open":
            header, counting = 0, "head"
        elif token.type == "tr_open":
            cells = 0
        elif token.type in {"th_open", "td_open"}:
            cells += 1
        elif token.type == "tr_close":
            if counting == "head":
                header, counting = cells, "body"
            else:
                assert cells == header, f"a table row has {cells} cells, its header {header}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    run = tmp_path / "run"
    run.mkdir()
    subs = prepare(case, run, lambda: request.getfixturevalue("bundled_plan"))
    args = [arg.format_map(subs) for arg in case.args]
    try:
        for step in case.before:
            done = run_cli([arg.format_map(subs) for arg in step], run, case.timeout)
            assert done.status == 0, f"set-up step {step} failed\n{done.describe()}"
        outcome = run_cli(args, run, case.timeout, case.wrapper)
        check_expectations(case, outcome, run)
    finally:
        for folder in (run, *run.rglob("*")):
            if folder.is_dir() and not folder.is_symlink():
                folder.chmod(stat.S_IRWXU)


# --- the corpus itself -------------------------------------------------------------------

FAMILIES = (
    "yaml",
    "scalars",
    "encoding",
    "size",
    "semantics",
    "templates",
    "fs",
    "plans",
    "inject",
)


def test_corpus_is_large_and_covers_every_family() -> None:
    assert len(CASES) >= 40
    families = {case.id.split("-", 1)[0] for case in CASES}
    assert families == set(FAMILIES)
    assert len({case.id for case in CASES}) == len(CASES)


def test_every_case_names_an_existing_input_and_a_known_hook() -> None:
    for case in CASES:
        sources = [case.input, case.make, case.setup]
        assert any(sources) or case.plan, case.id
        if case.input is not None:
            assert (HOSTILE / case.input).exists(), case.id
        assert case.make is None or case.make in MAKERS, case.id
        assert case.setup is None or case.setup in SETUPS, case.id
        assert case.wrapper is None or case.wrapper in WRAPPERS, case.id
        assert "exit" in case.expect, case.id
        if "at" in case.expect:
            assert "code" in case.expect, case.id


def test_every_corpus_file_is_used() -> None:
    used = {case.input for case in CASES if case.input}
    for path in sorted(HOSTILE.rglob("*")):
        rel = path.relative_to(HOSTILE)
        if path.is_dir() or rel.as_posix() == "cases.yaml" or path.name == "README.md":
            continue
        owners = {rel.as_posix(), *(p.as_posix() for p in rel.parents)}
        assert owners & used, f"{rel} belongs to no case"
