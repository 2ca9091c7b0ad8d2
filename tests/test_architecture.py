"""The import rules in pyproject.toml cover the whole project layer.

``make lint`` runs the contracts (import-linter); this test makes sure a module added to
``cityrelations/`` later does not escape them: every module there is either a layer of the
"layers" contract or forbidden to core and the apps by the "project-not-from-below" one.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _project_modules() -> set[str]:
    names = set()
    for path in (ROOT / "cityrelations").iterdir():
        if path.name.startswith(("_", ".")) or path.name in {"migrations", "deploy"}:
            continue
        if path.suffix == ".py" or (path / "__init__.py").exists():
            names.add(f"cityrelations.{path.stem}")
    return names


def test_every_module_of_the_project_layer_is_under_a_contract():
    contracts = _contracts()
    layered = {
        name.strip() for layer in contracts["layers"]["layers"] for name in re.split(r"[|:]", layer)
    }
    forbidden = set(contracts["project-not-from-below"]["forbidden_modules"])
    assert _project_modules() - layered - forbidden == set()


def test_the_apps_are_layered_in_the_order_design_md_gives():
    layers = [layer.split(":")[0].strip() for layer in _contracts()["layers"]["layers"]]
    assert layers == [
        "cityrelations.pages",
        "newsletters",
        "delegations",
        "partners",
        "cityrelations.core",
    ]


def test_every_package_is_checked_for_cycles():
    ancestors = set(_contracts()["no-cycles"]["ancestors"])
    assert ancestors == {"cityrelations", "partners", "delegations", "newsletters"}
