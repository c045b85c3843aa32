"""Editor set-up (issue 16, item 10): the modeline ``curribuild schema`` prints works from
the folder the file is in, ``init`` writes ``.vscode/settings.json`` mapping each kind's
files to its schema, and the schemas carry field descriptions for hover.

The real client is yaml-language-server, installed from npm into a temporary folder and
driven over stdio with the Language Server Protocol; the tests that need it are skipped,
with the reason, when npm, node or the package cannot be had.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pathspec import GitIgnoreSpec

from curribuild.loader import load_file
from curribuild.schemas import KIND_FOLDERS, KINDS, schema_for
from lint_helpers import RunCli, check_json, edit
from npm_helpers import npm_install

YLS_VERSION = "1.25.0"
TIMEOUT = 60.0  # seconds for any one answer of the server
DOCUMENT_KINDS = [kind for kind in KINDS if kind != "plan"]


def modelines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("# yaml-language-server:")]


# --- the modeline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("schemas", "../schemas/goals.schema.json"),
        (None, "../build/schemas/goals.schema.json"),
        ("editor/schemas", "../editor/schemas/goals.schema.json"),
    ],
)
def test_modeline_path_is_relative_to_the_goals_folder(
    run_cli: RunCli, tmp_path: Path, output: str | None, expected: str
) -> None:
    args = ["schema"] if output is None else ["schema", "-o", output]
    result = run_cli(*args, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert modelines(result.stdout) == [f"# yaml-language-server: $schema={expected}"]
    assert "First line of a file in goals/:" in result.stdout
    # resolved from the folder of a goals file, as the server does, it is the schema
    assert (tmp_path / "goals" / expected).resolve().is_file()


def test_modeline_for_the_config_kind_is_relative_to_the_top(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli("schema", "--kind", "config", "-o", "schemas", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert modelines(result.stdout) == [
        "# yaml-language-server: $schema=schemas/config.schema.json"
    ]
    assert "First line of curribuild.yaml:" in result.stdout


def test_modeline_with_an_absolute_folder_is_absolute(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "abs"
    result = run_cli("schema", "-o", str(folder), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert modelines(result.stdout) == [
        f"# yaml-language-server: $schema={(folder / 'goals.schema.json').as_posix()}"
    ]


def test_no_modeline_for_the_plan_schema(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", "--kind", "plan", "-o", "schemas", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert modelines(result.stdout) == []


# --- init: schemas and .vscode/settings.json ------------------------------------------------


@pytest.fixture
def scaffold(run_cli: RunCli, tmp_path: Path) -> Path:
    result = run_cli("init", "team", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    return tmp_path / "team"


def settings_of(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / ".vscode" / "settings.json").read_text("utf-8"))
    return data


def yaml_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml") and not p.relative_to(root).as_posix().startswith(".")
    )


def test_init_writes_the_schemas_that_curribuild_schema_writes(
    run_cli: RunCli, scaffold: Path, tmp_path: Path
) -> None:
    result = run_cli("schema", "-o", "fresh", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (scaffold / "schemas").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "fresh").iterdir())
    for name in written:
        assert (scaffold / "schemas" / name).read_bytes() == (
            tmp_path / "fresh" / name
        ).read_bytes()


def test_init_maps_each_kind_s_files_to_its_schema(scaffold: Path) -> None:
    mapping = settings_of(scaffold)["yaml.schemas"]
    assert sorted(mapping) == sorted(f"./schemas/{kind}.schema.json" for kind in DOCUMENT_KINDS)
    for schema in mapping:
        assert (scaffold / schema).is_file(), schema
    for name in yaml_files(scaffold):
        kind = load_file(scaffold / name).data["kind"]
        matches = [
            schema
            for schema, globs in mapping.items()
            if GitIgnoreSpec.from_lines(globs).match_file(name)
        ]
        assert matches == [f"./schemas/{kind}.schema.json"], name


def test_the_settings_cover_every_layout_folder(scaffold: Path) -> None:
    mapping = settings_of(scaffold)["yaml.schemas"]
    for kind, folder in KIND_FOLDERS.items():
        globs = mapping[f"./schemas/{kind}.schema.json"]
        spec = GitIgnoreSpec.from_lines(globs)
        sample = "curribuild.yaml" if folder == "." else f"{folder}/sub/more.yml"
        assert spec.match_file(sample), (kind, sample)


def test_check_still_passes_on_the_scaffold_with_the_editor_files(
    run_cli: RunCli, scaffold: Path
) -> None:
    status, findings = check_json(run_cli, cwd=scaffold)
    assert [f for f in findings if f["severity"] == "error"] == []
    assert status == 0


def test_init_refuses_to_overwrite_the_editor_settings(run_cli: RunCli, tmp_path: Path) -> None:
    settings = tmp_path / "team" / ".vscode" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"editor.tabSize": 2}\n', encoding="utf-8")
    result = run_cli("init", "team", cwd=tmp_path)
    assert result.exit_code == 1
    assert ".vscode/settings.json" in result.output
    assert settings.read_text(encoding="utf-8") == '{"editor.tabSize": 2}\n'


# --- field descriptions ---------------------------------------------------------------------


def undescribed(schema: dict[str, Any]) -> list[str]:
    """Properties without a description, directly or on the definition they refer to."""
    defs = schema.get("$defs", {})

    def described(prop: dict[str, Any]) -> bool:
        if "description" in prop:
            return True
        ref = prop.get("$ref")
        return isinstance(ref, str) and "description" in defs[ref.rsplit("/", 1)[-1]]

    return [
        f"{owner}.{name}"
        for owner, node in [("", schema), *defs.items()]
        for name, prop in node.get("properties", {}).items()
        if not described(prop)
    ]


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_every_field_has_a_description(kind: str) -> None:
    assert undescribed(schema_for(kind)) == []


# --- yaml-language-server -------------------------------------------------------------------


@pytest.fixture(scope="session")
def yaml_language_server(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs yaml-language-server over stdio, installed from npm."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("npm and node are needed to install and run yaml-language-server")
    prefix = tmp_path_factory.mktemp("yaml-language-server")
    npm_install(prefix, f"yaml-language-server@{YLS_VERSION}", 300)
    server = prefix / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if not server.is_file():
        pytest.skip("npm installed yaml-language-server without its bin/yaml-language-server")
    return [node, str(server), "--stdio"]


class LanguageClient:
    """A minimal LSP client over the server's stdin and stdout.

    It answers the server's ``workspace/configuration`` requests with the given
    ``yaml`` settings, as an editor does from its settings file, and every other
    request from the server with ``null``.
    """

    def __init__(self, command: list[str], root: Path, yaml_settings: dict[str, Any]) -> None:
        self.settings = yaml_settings
        self.proc = subprocess.Popen(
            command,
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._ids = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "workspaceFolders": True},
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {},
                        "synchronization": {"dynamicRegistration": False},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": None})

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._ids += 1
        ident = self._ids
        self._send({"id": ident, "method": method, "params": params})
        answer = self.wait(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in answer, answer
        return answer.get("result")

    def wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The next message that ``wanted`` accepts, serving the server's requests meanwhile."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"yaml-language-server gave no answer in {TIMEOUT:g} s")
            try:
                message = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if message is None:
                raise AssertionError("yaml-language-server exited")
            if "method" in message and "id" in message:
                self._serve(message)
                continue
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.diagnostics[params["uri"]] = params["diagnostics"]
            if wanted(message):
                return message

    def _serve(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [
                self.settings if item.get("section") == "yaml" else {}
                for item in request["params"]["items"]
            ]
        self._send({"id": request["id"], "result": result})

    def open(self, path: Path) -> list[dict[str, Any]]:
        """Open ``path`` and return the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )
        message = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        diagnostics: list[dict[str, Any]] = message["params"]["diagnostics"]
        return diagnostics

    def hover(self, path: Path, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        if not result:
            return ""
        contents = result["contents"]
        return str(contents["value"] if isinstance(contents, dict) else contents)

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def client_for(
    yaml_language_server: list[str],
) -> Iterator[Callable[[Path, dict[str, Any]], LanguageClient]]:
    started: list[LanguageClient] = []

    def start(root: Path, yaml_settings: dict[str, Any]) -> LanguageClient:
        client = LanguageClient(yaml_language_server, root, yaml_settings)
        started.append(client)
        return client

    yield start
    for client in started:
        client.close()


def vscode_yaml_settings(root: Path) -> dict[str, Any]:
    """The ``yaml`` section of the settings VS Code reads from ``.vscode/settings.json``."""
    settings = settings_of(root)
    return {
        "schemas": settings["yaml.schemas"],
        "validate": True,
        "hover": True,
        "completion": True,
    }


def line_of(path: Path, start: str) -> int:
    """The 0-based number of the first line of ``path`` that starts with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines) if line.lstrip().startswith(start))


def schema_errors(diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in diagnostics if str(d.get("source", "")).startswith("yaml-schema")]


def test_server_applies_the_init_settings_to_every_kind(
    client_for: Callable[[Path, dict[str, Any]], LanguageClient], scaffold: Path
) -> None:
    """Every YAML file of the scaffold is validated against its kind's schema: no
    diagnostics, and hovering ``kind:`` names that schema."""
    client = client_for(scaffold, vscode_yaml_settings(scaffold))
    for name in yaml_files(scaffold):
        path = scaffold / name
        kind = load_file(path).data["kind"]
        assert client.open(path) == [], name
        shown = client.hover(path, line_of(path, "kind:"), 0)
        assert f"{kind}.schema.json" in shown, (name, shown)
        assert "The document kind" in shown, (name, shown)


def test_server_reports_a_typo_where_check_does(
    client_for: Callable[[Path, dict[str, Any]], LanguageClient],
    run_cli: RunCli,
    scaffold: Path,
) -> None:
    goals = scaffold / "goals" / "local.yaml"
    edit(goals, "    statement:", "    statment:")
    client = client_for(scaffold, vscode_yaml_settings(scaffold))
    errors = schema_errors(client.open(goals))
    typo = [d for d in errors if "statment" in d["message"]]
    assert len(typo) == 1, errors
    assert typo[0]["severity"] == 1  # an error
    _, findings = check_json(run_cli, cwd=scaffold)
    cb101 = [f for f in findings if f["code"] == "CB101"]
    assert len(cb101) == 1, findings
    start = typo[0]["range"]["start"]
    assert (start["line"] + 1, start["character"] + 1) == (cb101[0]["line"], cb101[0]["col"])


def test_hover_shows_the_field_descriptions(
    client_for: Callable[[Path, dict[str, Any]], LanguageClient], scaffold: Path
) -> None:
    client = client_for(scaffold, vscode_yaml_settings(scaffold))
    goals = scaffold / "goals" / "local.yaml"
    assert client.open(goals) == []
    for key, words in [
        ("domain:", "Learning domain: knowledge, skills or attitudes."),
        ("statement:", "starting with an observable verb"),
        ("minutes:", "the planner may shorten the goal down to min"),
    ]:
        line = line_of(goals, key)
        column = goals.read_text(encoding="utf-8").splitlines()[line].index(key)
        assert words in client.hover(goals, line, column + 1), key
    needs = scaffold / "needs" / "example.yaml"
    assert client.open(needs) == []
    line = line_of(needs, "title:")
    assert "Title of the programme." in client.hover(needs, line, 1)


def test_the_printed_modeline_works_inside_goals(
    client_for: Callable[[Path, dict[str, Any]], LanguageClient],
    run_cli: RunCli,
    tmp_path: Path,
) -> None:
    """No editor settings at all: the schema comes from the modeline alone."""
    root = tmp_path / "repo"
    root.mkdir()
    result = run_cli("schema", "-o", "schemas", cwd=root)
    assert result.exit_code == 0, result.output
    (line,) = modelines(result.stdout)
    broken = "kind: goals\ngoals:\n  - id: a-goal\n    statment: Explain it.\n"
    goals = root / "goals" / "a.yaml"
    goals.parent.mkdir()
    goals.write_text(f"{line}\n{broken}", encoding="utf-8")
    # the path the old hint printed, relative to the folder `schema` ran in
    wrong = root / "goals" / "b.yaml"
    wrong.write_text(
        f"# yaml-language-server: $schema=schemas/goals.schema.json\n{broken}", encoding="utf-8"
    )
    client = client_for(root, {"validate": True, "hover": True})
    errors = schema_errors(client.open(goals))
    assert any("statment" in d["message"] for d in errors), errors
    assert not any("statment" in d["message"] for d in schema_errors(client.open(wrong)))
