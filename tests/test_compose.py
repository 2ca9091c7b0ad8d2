"""docker-compose.yml is valid Compose and describes the whole stack with health checks.

Validated by the docker-compose CLI (``make system-deps`` installs Debian's package; no Docker
engine is needed for ``config``). The normalised YAML it prints is read with the PyYAML that the
docker-compose package itself runs on.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START = ROOT / "cityrelations" / "deploy" / "start"
SERVICES = {"postgres", "redis", "web", "worker", "beat", "mail"}


# What an operator puts in .env: the compose file has no default for it.
OPERATOR_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
}


def _run_compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("docker-compose")
    assert executable, "docker-compose is missing: run `make system-deps`"
    return subprocess.run(
        [executable, "-f", "docker-compose.yml", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(ROOT), **env},
    )


def _compose(*args: str) -> str:
    result = _run_compose(*args, env=OPERATOR_ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def config() -> dict:
    normalised = _compose("config")
    interpreter = Path(shutil.which("docker-compose") or "").read_text().splitlines()[0][2:].strip()
    converted = subprocess.run(
        [
            interpreter,
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
        ],
        input=normalised,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert converted.returncode == 0, converted.stderr
    return json.loads(converted.stdout)


def test_config_is_valid():
    assert _compose("config", "-q") == ""
    assert "version:" not in (ROOT / "docker-compose.yml").read_text()


def test_config_stops_with_one_line_without_a_secret_key():
    result = _run_compose(
        "config", "-q", env={"POSTGRES_PASSWORD": OPERATOR_ENV["POSTGRES_PASSWORD"]}
    )
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY (a long random string) in .env" in result.stderr
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text()


def test_config_stops_with_one_line_without_a_database_password():
    result = _run_compose(
        "config", "-q", env={"DJANGO_SECRET_KEY": OPERATOR_ENV["DJANGO_SECRET_KEY"]}
    )
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr


def test_the_database_password_is_the_operators(config):
    password = OPERATOR_ENV["POSTGRES_PASSWORD"]
    assert config["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == password
    for name in ("web", "worker", "beat"):
        database_url = config["services"][name]["environment"]["DATABASE_URL"]
        assert database_url == f"postgres://cityrelations:{password}@postgres:5432/cityrelations"


def test_the_operators_secret_key_reaches_every_app_service(config):
    for name in ("web", "worker", "beat"):
        environment = config["services"][name]["environment"]
        assert environment["DJANGO_SECRET_KEY"] == OPERATOR_ENV["DJANGO_SECRET_KEY"]
        assert environment["DJANGO_DEBUG"] == "false"


def test_six_services_each_with_a_health_check(config):
    services = config["services"]
    assert set(services) == SERVICES
    for name in SERVICES:
        assert services[name]["healthcheck"]["test"], name
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mail"]["image"].startswith("axllent/mailpit")


def test_app_services_wait_for_healthy_dependencies(config):
    services = config["services"]
    web = services["web"]
    assert {dep: cond["condition"] for dep, cond in web["depends_on"].items()} == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "mail": "service_healthy",
    }
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        for key in (
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_DEBUG",
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "SITE_URL",
        ):
            assert env[key], (name, key)
        assert env["EMAIL_URL"] == "smtp://mail:1025"
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in env["DATABASE_URL"]
        )


def test_dockerfile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "libpango-1.0-0 libpangoft2-1.0-0" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert "curl" not in dockerfile and "wget" not in dockerfile  # nothing but Debian and PyPI


def _start_script_branch(role: str) -> str:
    """The shell code that ``cityrelations/deploy/start <role>`` runs."""
    script = START.read_text()
    branch = re.search(rf"^    {role}\)\n(.*?)^        ;;", script, re.S | re.M)
    assert branch, role
    return branch.group(1)


def test_every_service_command_comes_from_the_start_script(config):
    """One place for each command: compose, the Dockerfile and tests/stack all call the script."""
    services = config["services"]
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        command = shlex.split(command) if isinstance(command, str) else command
        assert command == ["cityrelations/deploy/start", name]
    assert START.stat().st_mode & 0o111, "the start script must be executable"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["cityrelations/deploy/start", "web"]' in dockerfile
    assert "cityrelations/deploy/start collectstatic" in dockerfile

    web = _start_script_branch("web")
    assert web.split() == ["migrate", "serve"]
    assert _start_script_branch("serve").split() == ["serve"]
    serve = re.search(r"^serve\(\) \{\n(.*?)^\}", START.read_text(), re.S | re.M)
    assert serve, "the serve function"
    assert "gunicorn cityrelations.wsgi:application" in serve.group(1)
    assert "0.0.0.0:8000" in serve.group(1) and "--access-logfile -" in serve.group(1)
    assert "celery -A cityrelations worker" in _start_script_branch("worker")
    assert "DatabaseScheduler" in _start_script_branch("beat")


def test_start_script_refuses_an_unknown_service():
    result = subprocess.run([str(START), "webserver"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 64
    assert "usage:" in result.stderr and "web|worker|beat|migrate" in result.stderr
