"""Benchmarks for curribuild's performance targets (DESIGN.md section 11), as ratios.

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # small inputs: keeps the script working in CI
    python benchmarks/run.py --peers    # also compare with check-jsonschema and yamllint

Inputs are generated with a fixed seed into a temporary folder. Each measurement
runs several times in a fresh process and the median is reported. The script
exits non-zero when a target is missed (except with --quick, where timings on
tiny inputs say nothing and only crashes fail).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import planning

SEED = 20271115
PY = sys.executable
DOMAINS = ("knowledge", "skills", "attitudes")
BLOOM = ("remember", "understand", "apply", "analyse", "evaluate", "create")
TYPES = ("acquisition", "inquiry", "practice", "production", "discussion", "collaboration")
MODES = ("in-person", "online", "hybrid")
PERSPECTIVES = ("clinical", "forensic", "counter-terrorism")
TOPICS = tuple(f"topic-{i}" for i in range(40))
VERBS = {"remember": "List", "understand": "Explain", "apply": "Apply", "analyse": "Analyse"}
CONFIG = """kind: config
name: bench
planning:
  evaluation_defaults:
    knowledge: {level: learning, instrument: quiz}
    skills: {level: behaviour, instrument: observation}
    attitudes: {level: learning, instrument: self-assessment}
"""


@dataclass
class Target:
    name: str
    ratio: float
    limit: float
    kind: str = "max"  # max: ratio <= limit; min: ratio >= limit

    @property
    def met(self) -> bool:
        return self.ratio <= self.limit if self.kind == "max" else self.ratio >= self.limit


def goals_file(rng: random.Random, index: int, per_file: int = 20, findings: bool = False) -> str:
    """A goals file; with ``findings``, one goal in 20 (5%) opens its statement with a
    verb that cannot be observed, a CB301 warning that check must place."""
    lines = ["kind: goals", "goals:"]
    for j in range(per_file):
        gid = f"g{index}-{j}"
        bloom = rng.choice(BLOOM[:4])
        priority = rng.choice(("core", "recommended", "optional")) if j == 0 else "recommended"
        verb = "Understand" if findings and j % 20 == 10 else VERBS[bloom]
        lines += [
            f"  - id: {gid}",
            f"    title: Generated goal {index}.{j}",
            f"    statement: {verb} how practice {index}.{j} supports trust with clients.",
            f"    domain: {rng.choice(DOMAINS)}",
            f"    bloom: {bloom}",
            f"    perspectives: [{rng.choice(PERSPECTIVES)}]",
            f"    topics: [{rng.choice(TOPICS)}]",
            f"    priority: {priority}",
            f"    minutes: {rng.choice((30, 45, 60, 90))}",
            f"    requires: [g{index}-{j - 1}]" if j else "    requires: []",
        ]
    return "\n".join(lines) + "\n"


def methods_file(rng: random.Random, count: int = 60) -> str:
    lines = ["kind: methods", "methods:"]
    for i in range(count):
        low = rng.randrange(0, 4)
        lines += [
            f"  - id: m{i}",
            f"    name: Method {i}",
            f"    learning_type: {TYPES[i % len(TYPES)]}",
            f"    domains: [{', '.join(sorted(set(rng.sample(DOMAINS, rng.randint(1, 3)))))}]",
            f"    bloom: {{min: {BLOOM[low]}, max: {BLOOM[min(5, low + rng.randint(1, 3))]}}}",
            f"    delivery: [{', '.join(sorted(set(rng.sample(MODES, rng.randint(1, 3)))))}]",
            "    participants: {min: 2, max: 40}",
            f"    minutes: {{min: 20, max: {rng.choice((60, 90, 120))}}}",
        ]
    return "\n".join(lines) + "\n"


def rules_file(rng: random.Random, count: int = 150) -> str:
    lines = ["kind: rules", "rules:"]
    for i in range(count):
        shape = i % 5
        domain, kind, topic = rng.choice(DOMAINS), rng.choice(TYPES), rng.choice(TOPICS)
        if shape == 0:
            when = f"{{fact: goal.domain, eq: {rng.choice(DOMAINS)}}}"
        elif shape == 1:
            when = (
                f"{{all: [{{fact: goal.domain, eq: {domain}}}, "
                f"{{fact: method.learning_type, eq: {kind}}}]}}"
            )
        elif shape == 2:
            when = f"{{fact: method.learning_type, in: [{rng.choice(TYPES)}, {rng.choice(TYPES)}]}}"
        elif shape == 3:
            when = (
                f"{{all: [{{fact: goal.topics, contains: {topic}}}, "
                "{fact: method.minutes.max, gte: {fact: goal.minutes}}]}"
            )
        else:
            when = (
                "{any: [{fact: needs.audience.experience, eq: none}, "
                "{fact: goal.bloom, gte: {fact: method.bloom.min}}]}"
            )
        lines += [
            f"  - id: r{i}",
            f"    description: Generated rule {i}.",
            "    source: benchmark",
            f"    when: {when}",
            f"    then: {{score: {rng.choice((-2, -1, 1, 2, 3))}}}",
        ]
    lines += [
        "  - id: follow-up",
        "    description: Follow-up after every training.",
        "    scope: programme",
        "    then: {add_session: {session: follow-up, title: Follow-up, method: m0,"
        " minutes: 120, weeks_after: 8}}",
    ]
    return "\n".join(lines) + "\n"


def needs_file(rng: random.Random, goals: int, days: int) -> str:
    gaps = "\n".join(
        f"  - {{topic: {t}, priority: {rng.choice(('high', 'medium', 'low'))}}}"
        for t in TOPICS[:20]
    )
    return f"""kind: needs
id: bench
title: Benchmark programme
audience: {{experience: basic, participants: 16}}
gaps:
{gaps}
constraints:
  delivery: in-person
  days: {days}
  day_start: "08:00"
  day_end: "20:00"
  lunch_minutes: 45
  max_block_minutes: 120
  break_minutes: 10
"""


def make_repo(root: Path, files: int, findings: bool = False) -> Path:
    rng = random.Random(SEED)
    repo = root / (f"repo-{files}-findings" if findings else f"repo-{files}")
    if repo.exists():
        return repo
    (repo / "goals").mkdir(parents=True)
    (repo / "curriculum.yaml").write_text(CONFIG)
    (repo / "methods.yaml").write_text(methods_file(rng))
    (repo / "rules.yaml").write_text(rules_file(rng))
    for i in range(files):
        (repo / "goals" / f"goals-{i:04d}.yaml").write_text(goals_file(rng, i, findings=findings))
    days = min(366, max(1, files * 20 * 60 // 600))
    (repo / "needs.yaml").write_text(needs_file(rng, files * 20, days=days))
    return repo


def _once(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(cmd)}")
    return seconds


def timed(cmd: list[str], runs: int, cwd: Path | None = None) -> float:
    return statistics.median(_once(cmd, cwd) for _ in range(runs))


def timed_together(cmds: list[list[str]], runs: int) -> list[float]:
    """The median time of each command, their runs interleaved (a, b, a, b, ...), so a
    slow spell of a shared machine slows the floor and the command alike."""
    samples: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, times in zip(cmds, samples, strict=True):
            times.append(_once(cmd))
    return [statistics.median(times) for times in samples]


def peak_rss_kib(cmd: list[str], cwd: Path | None = None) -> int:
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [PY, "-c", probe, *cmd], cwd=cwd, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def curribuild(*args: str) -> list[str]:
    return [PY, "-m", "curribuild", *args]


def yaml_floor_script(folder: Path) -> list[str]:
    code = (
        "import sys, pathlib, yaml\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
        "    with open(p, 'rb') as f:\n"
        "        yaml.load(f, Loader=yaml.CSafeLoader)\n"
    )
    return [PY, "-c", code, str(folder)]


def peers(tmp: Path) -> Path | None:
    """A virtualenv with check-jsonschema and yamllint, or None when it cannot be made."""
    env = tmp / "peers"
    try:
        venv.create(env, with_pip=True)
        subprocess.run(
            [str(env / "bin" / "pip"), "install", "--quiet", "check-jsonschema", "yamllint"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"  peers skipped: could not install check-jsonschema/yamllint ({exc})")
        return None
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, no timing verdicts")
    parser.add_argument(
        "--peers", action="store_true", help="compare with check-jsonschema and yamllint"
    )
    parser.add_argument(
        "--runs", type=int, default=0, help="runs per measurement (default 5, quick 1)"
    )
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 5)
    files_big, files_small = (10, 5) if args.quick else (1000, 250)
    targets: list[Target] = []
    tmp = Path(tempfile.mkdtemp(prefix="curribuild-bench-"))
    try:
        mode = "quick" if args.quick else "full"
        print(f"curribuild benchmarks ({mode}, {runs} run(s) each, median)")
        # start-up
        base, version, helptime = timed_together(
            [[PY, "-c", "import typer"], curribuild("--version"), curribuild("--help")], runs * 2
        )
        targets.append(Target("--version vs import typer", version / base, 1.3))
        targets.append(Target("--help vs import typer", helptime / base, 1.3))
        # check at the YAML floor
        big = make_repo(tmp, files_big)
        small = make_repo(tmp, files_small)
        # the honest floor (DESIGN.md section 11): CSafeLoader on binary file objects
        floor, check = timed_together(
            [yaml_floor_script(big), curribuild("check", str(big), "--format", "json")], runs
        )
        targets.append(
            Target(f"check {files_big} goals files (clean) vs CSafeLoader load", check / floor, 1.6)
        )
        flagged = make_repo(tmp, files_big, findings=True)
        flagged_floor, flagged_check = timed_together(
            [yaml_floor_script(flagged), curribuild("check", str(flagged), "--format", "json")],
            runs,
        )
        targets.append(
            Target(
                f"check {files_big} goals files (5% with a finding) vs CSafeLoader load",
                flagged_check / flagged_floor,
                1.6,
            )
        )
        rss_small = peak_rss_kib(curribuild("check", str(small), "--format", "json"))
        rss_big = peak_rss_kib(curribuild("check", str(big), "--format", "json"))
        targets.append(
            Target(f"peak RSS check {files_big} vs {files_small} files", rss_big / rss_small, 1.15)
        )
        if args.peers:
            env = peers(tmp)
            if env is not None:
                schema_dir = tmp / "schemas"
                subprocess.run(
                    curribuild("schema", "-o", str(schema_dir)), check=True, capture_output=True
                )
                goal_files = sorted(str(p) for p in (big / "goals").glob("*.yaml"))
                cj = timed(
                    [
                        str(env / "bin" / "check-jsonschema"),
                        "--schemafile",
                        str(schema_dir / "goals.schema.json"),
                        *goal_files,
                    ],
                    max(1, runs // 2),
                )
                yl = timed(
                    [str(env / "bin" / "yamllint"), "-d", "relaxed", str(big / "goals")],
                    max(1, runs // 2),
                )
                targets.append(Target("check-jsonschema time / check time", cj / check, 10, "min"))
                targets.append(Target("yamllint time / check time", yl / check, 10, "min"))
        # plan: the scale case (DESIGN.md section 11), then render of the same plan
        goals = 200 if args.quick else 2000
        repo = make_repo(tmp, goals // 20)
        (repo / "needs.yaml").write_text(
            needs_file(random.Random(SEED), goals, days=10 if args.quick else 40)
        )
        for name, value, limit, kind in planning.scale(repo, args.quick):
            targets.append(Target(name, value, limit, kind))
        out = repo / "scale-plan.json"
        if out.exists():
            plan_time = timed(
                curribuild("plan", str(repo / "needs.yaml"), "-o", str(out), "--color", "never"),
                1,
            )
            render = timed(
                curribuild(
                    "render", "--plan", str(out), "--format", "html", "-o", str(tmp / "p.html")
                ),
                runs,
            )
            targets.append(Target(f"render html vs plan ({goals} goals)", render / plan_time, 1.0))
        # realistic requests, and the solver against the greedy planner it replaced
        for name, value, limit, kind in planning.report(args.quick):
            targets.append(Target(name, value, limit, kind))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    width = max(len(t.name) for t in targets)
    failed = 0
    for t in targets:
        sign = "<=" if t.kind == "max" else ">="
        verdict = "ok" if t.met else "MISSED"
        failed += not t.met
        print(f"  {t.name:<{width}}  {t.ratio:6.2f}x  (target {sign} {t.limit}x)  {verdict}")
    print(json.dumps({t.name: round(t.ratio, 3) for t in targets}, sort_keys=True))
    if args.quick:
        print("quick mode: ratios on tiny inputs are not judged")
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    raise SystemExit(main())
