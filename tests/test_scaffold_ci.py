"""The CI files ``curribuild init`` writes run as generated (issue 16, item 3).

- One setting says what pip installs (``--install-spec``, by default this version,
  pinned), in both files, as one shell argument whatever it contains.
- One ``check`` run writes the job log and the report file (``--output``), so the
  report is there when the check fails: GitLab keeps it ``when: always`` as a JUnit
  report, GitHub uploads the SARIF to code scanning ``if: always()``.
- Both files validate against their published schemas (check-jsonschema's vendored
  copies of SchemaStore's GitHub workflow schema and GitLab's CI schema, installed
  from PyPI), and the GitLab job runs in gitlab-ci-local (from npm) with the local
  wheel: on a broken scaffold the job fails *and* the JUnit report has the finding.

Each real client is installed into a temporary folder; when that cannot be done here
the test is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml

from conftest import clean_env
from curribuild import __version__
from lint_helpers import RunCli, edit
from npm_helpers import npm_install

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
WORKFLOW = ".github/workflows/curribuild.yml"
GITLAB = ".gitlab-ci.yml"
JOB = "curribuild-check"
JUNIT = "curribuild-junit.xml"
SARIF = "results.sarif"
INSTALL_LINE = 'pip install "$CURRIBUILD_INSTALL_SPEC"'
# The newest gitlab-ci-local that runs on Node 20 (4.74 needs Node 22's Set methods).
GITLAB_CI_LOCAL = "gitlab-ci-local@4.73.0"
PIP_TIMEOUT = 600  # seconds for one step that downloads from a registry
JOB_TIMEOUT = 300  # seconds for one gitlab-ci-local run (the job's pip install is local)

# a typo'd field: CB101 at goals/local.yaml:12:5, an error
TYPO = ("    minutes: 45\n", "    minutes: 45\n    statment: typo\n")
TYPO_AT = "goals/local.yaml:12:5"


def load(root: Path, name: str) -> Any:
    return yaml.safe_load((root / name).read_text(encoding="utf-8"))


def init(run_cli: RunCli, where: Path, *args: str, name: str = "team") -> Path:
    result = run_cli("init", name, *args, cwd=where)
    assert result.exit_code == 0, result.output
    return where / name


def github_job(root: Path) -> dict[str, Any]:
    job: dict[str, Any] = load(root, WORKFLOW)["jobs"]["check"]
    return job


def gitlab_job(root: Path) -> dict[str, Any]:
    job: dict[str, Any] = load(root, GITLAB)[JOB]
    return job


def sub_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in clean_env().items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"} and not k.startswith("GIT_")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env or sub_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def installed_or_skip(args: list[str], cwd: Path, what: str) -> None:
    """Run an install step; skip the test, saying why, when it cannot be done here."""
    try:
        done = run(args, cwd, PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.skip(f"installing {what} timed out after {PIP_TIMEOUT} s (no registry access?)")
    if done.returncode != 0:
        pytest.skip(f"{what} could not be installed: {(done.stdout + done.stderr)[-500:]}")


# --- the install setting ---------------------------------------------------------------------


def test_the_install_line_is_pinned_to_this_version_by_default(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = init(run_cli, tmp_path)
    expected = f"curribuild=={__version__}"
    github, gitlab = github_job(root), gitlab_job(root)
    assert github["env"]["CURRIBUILD_INSTALL_SPEC"] == expected
    assert gitlab["variables"]["CURRIBUILD_INSTALL_SPEC"] == expected
    # one install line in each file, reading the one setting
    assert [s["run"] for s in github["steps"] if "pip" in s.get("run", "")] == [INSTALL_LINE]
    assert [line for line in gitlab["script"] if "pip" in line] == [INSTALL_LINE]
    for name in (WORKFLOW, GITLAB):
        text = (root / name).read_text(encoding="utf-8")
        assert "pip install curribuild\n" not in text  # the unpinned line of issue 16
        assert text.count("CURRIBUILD_INSTALL_SPEC") == 2  # set once, used once
        assert "git+https://" in text  # the comment says how to use a git URL


SPECS = [
    "curribuild @ git+https://git.example.org/team/curribuild.git@v0.1.0",
    "git+https://git.example.org/team/curribuild.git@main#egg=curribuild",
    "curribuild[extra]>=0.1,<0.2",
    '/builds/it\'s: a #path/with "quotes"/é/curribuild-0.1.0-py3-none-any.whl',
    "curribuild==0.1.0 ; python_version >= '3.11'",
]


@pytest.mark.parametrize("spec", SPECS)
def test_install_spec_reaches_pip_as_one_argument(
    run_cli: RunCli, tmp_path: Path, spec: str
) -> None:
    root = init(run_cli, tmp_path, "--install-spec", spec)
    assert github_job(root)["env"]["CURRIBUILD_INSTALL_SPEC"] == spec
    assert gitlab_job(root)["variables"]["CURRIBUILD_INSTALL_SPEC"] == spec
    # the install line as a runner's bash runs it, with pip replaced by a recorder
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed, so the install line cannot be run")
    script = f'pip() {{ printf "%s\\0" "$@"; }}\n{INSTALL_LINE}\n'
    done = subprocess.run(
        [bash, "-e", "-c", script],
        env={"PATH": os.environ.get("PATH", ""), "CURRIBUILD_INSTALL_SPEC": spec},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\0")[:-1] == ["install", spec]


def test_install_spec_is_trimmed(run_cli: RunCli, tmp_path: Path) -> None:
    root = init(run_cli, tmp_path, "--install-spec", "  curribuild==9.9  ")
    assert gitlab_job(root)["variables"]["CURRIBUILD_INSTALL_SPEC"] == "curribuild==9.9"


@pytest.mark.parametrize(
    ("spec", "message"),
    [("", "--install-spec: empty"), ("   ", "--install-spec: empty"), ("a\nb", "line break")],
)
def test_a_bad_install_spec_is_a_usage_error(
    run_cli: RunCli, tmp_path: Path, spec: str, message: str
) -> None:
    result = run_cli("init", "team", "--install-spec", spec, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "team").exists()


def test_init_help_documents_install_spec(run_cli: RunCli) -> None:
    result = run_cli("init", "--help")
    assert "--install-spec" in result.stdout
    assert f"curribuild=={__version__}" in result.stdout


# --- what each CI file runs ------------------------------------------------------------------


def test_the_gitlab_job_keeps_its_junit_report_always(run_cli: RunCli, tmp_path: Path) -> None:
    job = gitlab_job(init(run_cli, tmp_path))
    assert job["script"] == [
        INSTALL_LINE,
        f"curribuild check --format text --output junit={JUNIT}",
    ]
    assert job["artifacts"] == {"when": "always", "paths": [JUNIT], "reports": {"junit": JUNIT}}


def test_the_github_workflow_uploads_sarif_always(run_cli: RunCli, tmp_path: Path) -> None:
    root = init(run_cli, tmp_path)
    workflow = load(root, WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    job = github_job(root)
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    steps = job["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    check_at = [i for i, s in enumerate(steps) if s.get("run", "").startswith("curribuild")]
    assert [steps[i]["run"] for i in check_at] == [
        f"curribuild check --format github --output sarif={SARIF}"
    ]
    upload_at = uses.index("github/codeql-action/upload-sarif")
    assert upload_at > check_at[0]
    upload = steps[upload_at]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"].startswith("always()")  # also after the check step failed
    assert upload["with"] == {"sarif_file": SARIF, "category": "curribuild"}
    keep = steps[uses.index("actions/upload-artifact")]
    assert keep["if"].startswith("always()")
    assert keep["with"]["path"] == SARIF


def bin_with_curribuild() -> str:
    """PATH with this environment's ``curribuild`` first (as the job's install gives)."""
    folder = Path(sys.executable).parent
    if not (folder / "curribuild").exists():
        pytest.skip(f"no curribuild script next to {sys.executable} (pip install -e .)")
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def test_the_github_check_step_writes_sarif_when_it_fails(run_cli: RunCli, tmp_path: Path) -> None:
    """The check step as the runner runs it (``bash -e``, GITHUB_ACTIONS=true) on a broken
    scaffold: the step fails, the log has the annotation, and the SARIF the upload step
    sends is there, valid, with the finding."""
    root = init(run_cli, tmp_path)
    edit(root / "goals/local.yaml", *TYPO)
    (step,) = [s for s in github_job(root)["steps"] if s.get("run", "").startswith("curribuild")]
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed, so the workflow step cannot be run")
    env = sub_env(PATH=bin_with_curribuild(), GITHUB_ACTIONS="true", CI="true")
    done = run(
        [bash, "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]], root, 120, env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "::error file=goals/local.yaml,line=12,col=5,title=CB101" in done.stdout
    import jsonschema

    document = json.loads((root / SARIF).read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "CB101"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "goals/local.yaml"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (12, 5)


def test_the_github_workflow_on_a_runner() -> None:
    pytest.skip(
        "GitHub Actions cannot run here: its local runner (act) needs Docker and runner "
        "images from a container registry, which this machine cannot reach; the workflow "
        "is validated against SchemaStore's schema and its check step run as the runner "
        "runs it instead"
    )


# --- the published schemas (check-jsonschema, from PyPI) -------------------------------------


@pytest.fixture(scope="module")
def check_jsonschema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("check-jsonschema")
    venv = base / "venv"
    installed_or_skip([sys.executable, "-m", "venv", str(venv)], base, "a virtualenv")
    python = venv / "bin" / "python"
    installed_or_skip(
        [str(python), "-m", "pip", "install", "-q", "check-jsonschema"], base, "check-jsonschema"
    )
    return venv / "bin" / "check-jsonschema"


def validate(tool: Path, schema: str, file: Path) -> subprocess.CompletedProcess[str]:
    return run([str(tool), "--builtin-schema", schema, str(file)], file.parent, 120)


@pytest.mark.parametrize("spec", [None, SPECS[0], SPECS[3]])
def test_both_ci_files_pass_their_published_schemas(
    run_cli: RunCli, tmp_path: Path, check_jsonschema: Path, spec: str | None
) -> None:
    root = init(run_cli, tmp_path, *(["--install-spec", spec] if spec else []))
    for schema, name in (("vendor.github-workflows", WORKFLOW), ("vendor.gitlab-ci", GITLAB)):
        done = validate(check_jsonschema, schema, root / name)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
        assert "ok -- validation done" in done.stdout


@pytest.mark.parametrize(
    ("name", "schema", "old", "new"),
    [
        (WORKFLOW, "vendor.github-workflows", "security-events: write", "security-events: all"),
        (WORKFLOW, "vendor.github-workflows", "runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),
        (GITLAB, "vendor.gitlab-ci", "when: always", "when: sometimes"),
        (GITLAB, "vendor.gitlab-ci", "  script:", "  scripts:"),
    ],
)
def test_the_schemas_do_reject_a_broken_file(
    run_cli: RunCli,
    tmp_path: Path,
    check_jsonschema: Path,
    name: str,
    schema: str,
    old: str,
    new: str,
) -> None:
    """A control: the validation above would see a mistake in these files."""
    root = init(run_cli, tmp_path)
    edit(root / name, old, new)
    done = validate(check_jsonschema, schema, root / name)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Schema validation errors" in done.stdout + done.stderr


# --- the GitLab job in gitlab-ci-local (from npm) --------------------------------------------


class GitLabLocal:
    """gitlab-ci-local, a wheel of this checkout, and a virtualenv whose ``pip`` the job's
    shell runs: the wheel's dependencies are in it, curribuild itself is not (the job's
    install line installs it)."""

    def __init__(self, tool: Path, wheel: Path, job_bin: Path) -> None:
        self.tool = tool
        self.wheel = wheel
        self.job_bin = job_bin

    def env(self, home: Path) -> dict[str, str]:
        return sub_env(
            PATH=f"{self.job_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            HOME=os.environ.get("HOME", str(home)),
            GIT_AUTHOR_NAME="Test Author",
            GIT_AUTHOR_EMAIL="author@example.invalid",
            GIT_COMMITTER_NAME="Test Committer",
            GIT_COMMITTER_EMAIL="committer@example.invalid",
            GIT_CONFIG_NOSYSTEM="1",
        )

    def pipeline(self, root: Path) -> subprocess.CompletedProcess[str]:
        """Commit ``root`` as a git repository and run the job with the shell executor
        (the job's ``image:`` is ignored), in an isolated copy of the files."""
        env = self.env(root.parent)
        for args in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "add", "-A"],
            ["git", "commit", "-q", "-m", "scaffold"],
        ):
            done = run(args, root, 60, env)
            assert done.returncode == 0, done.stderr
        try:
            return run(
                [
                    str(self.tool),
                    "--force-shell-executor",
                    "--shell-isolation",
                    "--no-color",
                    "--home",
                    str(root.parent / "gcl-home"),
                    JOB,
                ],
                root,
                JOB_TIMEOUT,
                env,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"gitlab-ci-local did not finish in {JOB_TIMEOUT} s: {exc.stdout!r}")


@pytest.fixture(scope="module")
def gitlab_local(tmp_path_factory: pytest.TempPathFactory) -> GitLabLocal:
    if os.environ.get("CURRIBUILD_SKIP_E2E") == "1":
        pytest.skip("CURRIBUILD_SKIP_E2E=1: no wheel is built")
    for program, why in (
        ("git", "gitlab-ci-local reads the job's files from a git repository"),
        ("rsync", "gitlab-ci-local copies the job's files with it (apt-get install rsync)"),
        ("bash", "the shell executor runs the job's script in it"),
    ):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed: {why}")
    base = tmp_path_factory.mktemp("gitlab-ci-local")
    npm_install(base / "npm", GITLAB_CI_LOCAL, timeout=PIP_TIMEOUT)
    tool = base / "npm" / "node_modules" / ".bin" / "gitlab-ci-local"
    version = run([str(tool), "--version"], base, 60)
    if version.returncode != 0:
        pytest.skip(f"{GITLAB_CI_LOCAL} does not run on this Node.js: {version.stderr[-300:]}")
    wheels = base / "wheels"
    installed_or_skip(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        base,
        "the build backend for the wheel",
    )
    (wheel,) = wheels.glob("curribuild-*.whl")
    venv = base / "job-venv"
    installed_or_skip([sys.executable, "-m", "venv", str(venv)], base, "a virtualenv")
    python = str(venv / "bin" / "python")
    installed_or_skip(
        [python, "-m", "pip", "install", "-q", str(wheel)], base, "curribuild's dependencies"
    )
    done = run([python, "-m", "pip", "uninstall", "-y", "-q", "curribuild"], base, 120)
    assert done.returncode == 0, done.stderr
    return GitLabLocal(tool, wheel, venv / "bin")


def artifact(root: Path) -> Path:
    return root / ".gitlab-ci-local" / "artifacts" / JOB / JUNIT


def junit_cases(path: Path) -> list[tuple[str, str, str, str | None]]:
    """(classname, name, result, text) of each test case, after validating the file."""
    xmlschema.XMLSchema10(str(SCHEMAS / "junit-10.xsd")).validate(str(path))
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        failure = case.find("failure")
        out.append(
            (
                case.get("classname", ""),
                case.get("name", ""),
                "failure" if failure is not None else "passed",
                failure.text if failure is not None else None,
            )
        )
    return out


def test_gitlab_job_passes_on_the_scaffold(
    run_cli: RunCli, tmp_path: Path, gitlab_local: GitLabLocal
) -> None:
    root = init(run_cli, tmp_path, "--install-spec", str(gitlab_local.wheel))
    done = gitlab_local.pipeline(root)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "json schema validated" in log  # gitlab-ci-local checked the file against GitLab's
    assert f"Processing {gitlab_local.wheel}" in log  # the job installed the wheel
    assert "All checks passed" in log
    cases = junit_cases(artifact(root))
    assert cases and {result for _, _, result, _ in cases} == {"passed"}


def test_gitlab_job_fails_and_keeps_the_junit_report(
    run_cli: RunCli, tmp_path: Path, gitlab_local: GitLabLocal
) -> None:
    """The failure of issue 16: the job failed before the report was written. Now the one
    check run fails the job and the report is kept, with the finding."""
    root = init(run_cli, tmp_path, "--install-spec", str(gitlab_local.wheel))
    edit(root / "goals/local.yaml", *TYPO)
    done = gitlab_local.pipeline(root)
    log = done.stdout + done.stderr
    assert done.returncode != 0, log[-3000:]
    assert f"FAIL  {JOB}" in log
    assert f"{TYPO_AT}: error CB101 unknown field 'statment'" in log  # the human report
    assert "Traceback" not in log
    report = artifact(root)
    assert report.is_file(), f"no JUnit artifact exported:\n{log[-3000:]}"
    failures = [case for case in junit_cases(report) if case[2] == "failure"]
    assert [(classname, name.split()[0]) for classname, name, _, _ in failures] == [
        ("goals/local.yaml", "CB101")
    ]
    text = failures[0][3] or ""
    assert f"{TYPO_AT}: [error] unknown field 'statment'; did you mean 'statement'?" in text
