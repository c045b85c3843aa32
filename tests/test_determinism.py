"""Determinism (DESIGN §3 and §10): the same inputs give the same bytes.

``plan`` and every ``render`` format are byte-identical across runs, across
hash seeds (``PYTHONHASHSEED`` 0, 1 and random, in fresh processes) and across
the order in which the file system lists a curriculum's files. Outputs carry no
timestamps; the iCalendar ``DTSTAMP`` follows ``SOURCE_DATE_EPOCH`` when set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from curribuild.loader import load_text

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "curricula" / "ran-health-pcve"
NEEDS_FILES = sorted((BUNDLED / "needs").glob("*.yaml"))
# the forensic example is repaired (unproven at its limit): the solver path that most
# needs to be deterministic; the first-line example is proven in seconds and serves
# the tests whose subject is not the solver (stamps, reports)
FORENSIC = BUNDLED / "needs" / "forensic-psychiatry-in-person.yaml"
FIRST_LINE = BUNDLED / "needs" / "first-line-basics.yaml"
FORMATS = ("md", "html", "ics", "json")


def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"FORCE_COLOR", "CURRIBUILD_DEBUG", "PYTHONHASHSEED", "SOURCE_DATE_EPOCH"}
    }
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def curribuild(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "curribuild", *args],
        cwd=cwd,
        env=child_env(**env),
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done


def outputs(needs: Path, folder: Path, **env: str) -> dict[str, bytes]:
    """The plan and every rendering of ``needs``, made in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    done = curribuild(["plan", str(needs), "-o", "plan.json"], folder, **env)
    assert done.returncode == 0, done.stderr.decode()
    out = {"plan": (folder / "plan.json").read_bytes()}
    for fmt in FORMATS:
        target = f"programme.{fmt}"
        done = curribuild(
            ["render", "--format", fmt, "--plan", "plan.json", "-o", target], folder, **env
        )
        assert done.returncode == 0, done.stderr.decode()
        out[fmt] = (folder / target).read_bytes()
    return out


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return [name for name in a if a[name] != b.get(name)]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The forensic needs, planned and rendered with PYTHONHASHSEED=0."""
    return outputs(FORENSIC, tmp_path_factory.mktemp("reference"), PYTHONHASHSEED="0")


# --- across runs and hash seeds ----------------------------------------------------------


def test_two_runs_give_identical_bytes(reference: dict[str, bytes], tmp_path: Path) -> None:
    again = outputs(FORENSIC, tmp_path / "again", PYTHONHASHSEED="0")
    assert differences(reference, again) == []


@pytest.mark.parametrize("seed", ["random"])  # 0 and 1: every bundled example, below
def test_hash_seed_does_not_change_any_output(
    reference: dict[str, bytes], tmp_path: Path, seed: str
) -> None:
    other = outputs(FORENSIC, tmp_path / seed, PYTHONHASHSEED=seed)
    assert differences(reference, other) == []


@pytest.mark.parametrize("needs", NEEDS_FILES, ids=[p.stem for p in NEEDS_FILES])
def test_every_bundled_needs_plans_identically_under_two_hash_seeds(
    needs: Path, tmp_path: Path
) -> None:
    plans = []
    for seed in ("0", "1"):
        done = curribuild(["plan", str(needs), "-o", "-"], tmp_path, PYTHONHASHSEED=seed)
        assert done.returncode == 0, done.stderr.decode()
        plans.append(done.stdout)
    assert plans[0] == plans[1]


@pytest.mark.parametrize("seed", ["0", "1"])
def test_explain_and_check_reports_are_stable_across_hash_seeds(tmp_path: Path, seed: str) -> None:
    explained = curribuild(["explain", str(FIRST_LINE), "--format", "json"], tmp_path)
    checked = curribuild(["check", "--format", "json", str(BUNDLED)], tmp_path)
    explained_seeded = curribuild(
        ["explain", str(FIRST_LINE), "--format", "json"], tmp_path, PYTHONHASHSEED=seed
    )
    checked_seeded = curribuild(
        ["check", "--format", "json", str(BUNDLED)], tmp_path, PYTHONHASHSEED=seed
    )
    assert explained.returncode == 0, explained.stderr.decode()
    assert explained.stdout == explained_seeded.stdout
    assert checked.returncode == checked_seeded.returncode
    assert checked.stdout == checked_seeded.stdout


# --- no timestamps -----------------------------------------------------------------------


def test_outputs_do_not_depend_on_the_clock(reference: dict[str, bytes], tmp_path: Path) -> None:
    time.sleep(1.1)  # a second later, any clock-based stamp would differ
    later = outputs(FORENSIC, tmp_path / "later", PYTHONHASHSEED="0")
    assert differences(reference, later) == []
    today = dt.date.today()
    for name, data in reference.items():
        text = data.decode("utf-8")
        for stamp in (today.isoformat(), today.strftime("%Y%m%d")):
            assert stamp not in text, f"{name} holds today's date {stamp}"


def test_ics_dtstamp_follows_source_date_epoch(tmp_path: Path) -> None:
    epoch = 1_700_000_000  # 2023-11-14T22:13:20Z
    stamped = outputs(FIRST_LINE, tmp_path / "stamped", SOURCE_DATE_EPOCH=str(epoch))
    stamps = set(re.findall(rb"^DTSTAMP:(\S+)\r?$", stamped["ics"], flags=re.M))
    assert stamps == {b"20231114T221320Z"}
    other = outputs(FIRST_LINE, tmp_path / "other", SOURCE_DATE_EPOCH=str(epoch + 86_400))
    assert set(re.findall(rb"^DTSTAMP:(\S+)\r?$", other["ics"], flags=re.M)) == {
        b"20231115T221320Z"
    }

    # only DTSTAMP and SEQUENCE (DTSTAMP in whole minutes) follow SOURCE_DATE_EPOCH
    def neutral(data: bytes) -> bytes:
        return re.sub(rb"^(DTSTAMP|SEQUENCE):\S+", rb"\1:X", data, flags=re.M)

    assert neutral(stamped["ics"]) == neutral(other["ics"])
    assert set(re.findall(rb"^SEQUENCE:(\d+)", stamped["ics"], flags=re.M)) == {b"28333333"}
    assert set(re.findall(rb"^SEQUENCE:(\d+)", other["ics"], flags=re.M)) == {b"28334773"}


def test_ics_dtstamp_without_source_date_epoch_is_fixed(reference: dict[str, bytes]) -> None:
    stamps = set(re.findall(rb"^DTSTAMP:(\S+)\r?$", reference["ics"], flags=re.M))
    assert len(stamps) == 1
    (stamp,) = stamps
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%d").encode()
    assert not stamp.startswith(now)


def test_ics_uids_are_unique_and_stable(reference: dict[str, bytes], tmp_path: Path) -> None:
    uids = re.findall(rb"^UID:(\S+)\r?$", reference["ics"], flags=re.M)
    assert uids and len(uids) == len(set(uids))


# --- across file orderings ---------------------------------------------------------------


def copy_curriculum(
    dest: Path,
    order: Callable[[list[Path]], list[Path]],
    rename: Callable[[Path], str] = lambda p: p.name,
) -> Path:
    """Copy the bundled curriculum to ``dest``, creating its files in ``order``."""
    files = sorted(p for p in BUNDLED.rglob("*") if p.is_file())
    for source in order(files):
        rel = source.relative_to(BUNDLED)
        target = dest / rel.parent / rename(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return dest


def renamed(rel: Path) -> str:
    """Goal and rule files get a common prefix: same sorted order, new names."""
    if rel.parent.name in {"goals", "rules"}:
        return "renamed-" + rel.name
    return rel.name


def plan_of(curriculum: Path, tmp: Path) -> bytes:
    needs = curriculum / "needs" / FORENSIC.name
    done = curribuild(["plan", str(needs), "-o", "-"], tmp, PYTHONHASHSEED="random")
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.fixture(scope="module")
def bundled_plan(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return plan_of(BUNDLED, tmp_path_factory.mktemp("bundled"))


@pytest.mark.parametrize("creation", ["sorted", "reversed", "shuffled"])
def test_creation_order_of_files_does_not_change_the_plan(
    bundled_plan: bytes, tmp_path: Path, creation: str
) -> None:
    orders: dict[str, Callable[[list[Path]], list[Path]]] = {
        "sorted": lambda files: files,
        "reversed": lambda files: files[::-1],
        "shuffled": lambda files: random.Random(7).sample(files, len(files)),
    }
    copy = copy_curriculum(tmp_path / "cur", orders[creation], renamed)
    listed = [p.name for p in os.scandir(copy / "goals")]
    assert sorted(listed) == sorted("renamed-" + p.name for p in (BUNDLED / "goals").iterdir())
    assert plan_of(copy, tmp_path) == bundled_plan


# A YAML 1.2-faithful dump: quote strings PyYAML (YAML 1.1) would leave bare but
# curribuild would read as numbers, and never write anchors.
_NON_STRING = re.compile(
    r"[-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.inf|\.nan|true|false|null|~|"
)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if _NON_STRING.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def _items(folder: Path, field: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in sorted(folder.glob("*.yaml")):
        out.extend(load_text(file.read_text(encoding="utf-8"))[field])
    return out


def _restructure(dest: Path, goals_order: Callable[[list[Any]], list[Any]]) -> Path:
    """The bundled curriculum with goals merged into one file and methods and rules
    split into one file per item (catalogue order kept, unless ``goals_order`` changes it)."""
    shutil.copytree(BUNDLED, dest)
    goals = goals_order(_items(dest / "goals", "goals"))
    shutil.rmtree(dest / "goals")
    (dest / "goals.yaml").write_text(_dump({"kind": "goals", "goals": goals}), encoding="utf-8")
    methods = load_text((dest / "methods.yaml").read_text(encoding="utf-8"))["methods"]
    (dest / "methods.yaml").unlink()
    for index, method in enumerate(methods):
        doc = {"kind": "methods", "methods": [method]}
        target = dest / "methods" / f"{index:03d}.yaml"
        target.parent.mkdir(exist_ok=True)
        target.write_text(_dump(doc), encoding="utf-8")
    rules = _items(dest / "rules", "rules")
    shutil.rmtree(dest / "rules")
    for index, rule in enumerate(rules):
        target = dest / "rules" / f"{index:03d}.yaml"
        target.parent.mkdir(exist_ok=True)
        target.write_text(_dump({"kind": "rules", "rules": [rule]}), encoding="utf-8")
    return dest


def test_split_and_merged_files_in_catalogue_order_give_the_same_plan(
    bundled_plan: bytes, tmp_path: Path
) -> None:
    copy = _restructure(tmp_path / "cur", lambda goals: goals)
    assert plan_of(copy, tmp_path) == bundled_plan


def test_reordered_catalogue_still_plans_deterministically(
    bundled_plan: bytes, tmp_path: Path
) -> None:
    """Catalogue order breaks ties, so the plan may change; the selection may not,
    and the new plan is itself stable."""
    copy = _restructure(tmp_path / "cur", lambda goals: goals[::-1])
    first = plan_of(copy, tmp_path)
    assert plan_of(copy, tmp_path) == first
    new, old = json.loads(first), json.loads(bundled_plan)

    def selected(plan: dict[str, Any]) -> set[str]:
        goals = plan["goals"]
        return {g["id"] for g in goals["scheduled"]} | {g["id"] for g in goals["dropped"]}

    assert selected(new) == selected(old)
    assert new["curriculum"]["digest"] != old["curriculum"]["digest"]
