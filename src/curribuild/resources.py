"""Where the bundled curricula and templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
DEFAULT_CURRICULUM = "ran-health-pcve"


def bundled_root() -> Path:
    """The folder holding ``curricula/`` and ``templates/``.

    A wheel ships them inside the package (``_bundled``); an editable install or
    a source checkout finds them at the repository root.
    """
    shipped = _PACKAGE / "_bundled"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent.parent


def curricula_dir() -> Path:
    return bundled_root() / "curricula"


def templates_dir() -> Path:
    return bundled_root() / "templates"


def data_file(name: str) -> Path:
    """A data file shipped inside the package (``curribuild/data``)."""
    return _PACKAGE / "data" / name


def bundled_curricula() -> list[str]:
    root = curricula_dir()
    if not root.is_dir():
        return []
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def bundled_curriculum(name: str) -> Path | None:
    """The folder of the bundled curriculum ``name``, if there is one."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = curricula_dir() / name
    return path if path.is_dir() else None
