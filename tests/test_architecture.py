"""The import rules in pyproject.toml cover what they are meant to, as the code grows.

``make lint`` runs the contracts (import-linter); these tests make sure a module added later
does not escape them: every module of ``cityrelations/`` is either a layer of the "layers"
contract or forbidden to core and the apps by the "project-not-from-below" one; every ``demo``
and ``bench`` package is forbidden to product code; every module of the sending engine has its
layer.
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


def test_every_demo_and_bench_package_is_forbidden_to_product_code():
    packages = {
        f"{path.parent.parent.name}.{path.parent.name}"
        for name in ("demo", "bench")
        for path in ROOT.glob(f"*/{name}/__init__.py")
    }
    assert packages  # the glob found them
    assert packages == set(_contracts()["product-not-demo"]["forbidden_modules"])


def test_every_module_of_the_sending_engine_has_its_layer():
    contract = _contracts()["sending-engine"]
    (container,) = contract["containers"]
    layered = {name.strip() for layer in contract["layers"] for name in re.split(r"[|:]", layer)}
    folder = ROOT.joinpath(*container.split("."))
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    assert modules == layered
