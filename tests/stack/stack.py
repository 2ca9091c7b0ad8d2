"""The production stack on this machine, without a container engine.

``running_stack()`` starts the processes exactly as ``docker-compose.yml`` does: it reads each
service's ``command`` from the compose file (all of them call ``cityrelations/deploy/start``)
and runs it with the environment compose would give it, pointed at local services instead of
containers: a fresh PostgreSQL database (created here, dropped at the end), Redis (the caller's
``REDIS_URL`` database, a queue and cache prefix of its own so parallel runs never take each
other's tasks), and an aiosmtpd sink as the mail server. The image build step (collectstatic)
runs first, as in the Dockerfile; the worker and beat start once the web service answers
``/healthz``, as compose's ``depends_on: service_healthy`` does.

Used by tests/stack/ (one stack per test module) and by ``make loadtest`` (tests/stack/loadtest).
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import yaml

from tests.newsletters.smtp_sink import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cityrelations"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
START_TIMEOUT = 150.0  # migrations on a fresh database, on a busy shared machine


class StackError(RuntimeError):
    """A process of the stack did not start; the message carries its log."""


def compose_command(service: str) -> list[str]:
    """The argv compose runs for ``service`` (a string command is split like a shell would)."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    command = services[service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def start_command(role: str) -> list[str]:
    """The script's one-off roles: ``collectstatic`` (the Dockerfile's build step), ``migrate``."""
    return ["cityrelations/deploy/start", role]


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    sink: SmtpSink
    log_dir: Path
    database: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    seeded: dict = field(default_factory=dict)  # the answer of the ``before_web`` data step

    def run_python(self, *args: str, timeout: float = 300) -> str:
        """``python <args>`` in the stack's environment (its database, broker and settings)."""
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise StackError(f"python {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def data(self, step: str, **options: object) -> dict:
        """Run a step of tests/stack/data.py against the stack's database; its JSON answer."""
        argv = ["-m", "tests.stack.data", step, json.dumps(options)]
        return json.loads(self.run_python(*argv).strip().splitlines()[-1])

    def logs(self, *, tail: int = 80) -> str:
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-tail:]
            parts.append(f"----- {path.stem} (last {len(lines)} lines) -----\n" + "\n".join(lines))
        return "\n".join(parts)

    def assert_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise StackError(f"{name} exited with {process.returncode}\n{self.logs()}")


def _database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(database_url: str) -> psycopg.Connection:
    parts = urlsplit(database_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


@contextmanager
def fresh_database(base_url: str) -> Iterator[tuple[str, str]]:
    """A new, empty PostgreSQL database next to ``base_url``'s; dropped at the end."""
    name = f"{urlsplit(base_url).path.lstrip('/') or 'cityrelations'}_stack_{secrets.token_hex(4)}"
    with _admin_connection(base_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, _database_url(base_url, name)
    finally:
        with _admin_connection(base_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stack_environment(
    *, database_url: str, redis_url: str, port: int, mail_port: int, var_dir: Path, tag: str
) -> dict[str, str]:
    """What compose's ``x-app-environment`` gives the app, for loopback services."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),  # gunicorn keeps a control socket there: one per stack
        "LANG": "C.UTF-8",
        "PYTHON": sys.executable,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://localhost:{port}",
        # Plain http on loopback: no TLS to redirect to. Cookies stay Secure (production's
        # default); Chromium stores Secure cookies from http://localhost (a secure context).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://localhost:{port}",
        "CITYRELATIONS_VAR_DIR": str(var_dir),
        "CELERY_QUEUE": f"cr-stack-{tag}",
        "CACHE_KEY_PREFIX": f"cr-stack-{tag}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


def _wait_for_health(stack: Stack, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        stack.assert_running()
        try:
            with urllib.request.urlopen(f"{stack.url}/healthz", timeout=5) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = str(error)
        time.sleep(0.3)
    raise StackError(f"/healthz never answered 200 ({last})\n{stack.logs()}")


def _wait_for_log(stack: Stack, name: str, marker: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    path = stack.log_dir / f"{name}.log"
    while time.monotonic() < deadline:
        stack.assert_running()
        if marker in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise StackError(f"{name} did not log {marker!r} in {timeout:.0f} s\n{stack.logs()}")


def _start(stack: Stack, name: str, argv: list[str]) -> None:
    log = (stack.log_dir / f"{name}.log").open("ab")
    # A session of its own: teardown signals the whole group (gunicorn's and Celery's children).
    stack.processes[name] = subprocess.Popen(
        argv, cwd=ROOT, env=stack.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 8
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _purge_queue(redis_url: str, tag: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*cr-stack-{tag}*"):
        client.delete(key)


@contextmanager
def running_stack(
    *,
    web_workers: int = 2,
    celery_concurrency: int = 2,
    extra_env: dict[str, str] | None = None,
    before_web: tuple[str, dict] | None = None,
) -> Iterator[Stack]:
    """Start the stack; stop every process, the sink and the database when the block ends.

    ``before_web`` = (data step, options) runs once the database is migrated, before gunicorn
    starts (e.g. the load test's data)."""
    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    tag = secrets.token_hex(5)
    port = free_port()
    with (
        fresh_database(base_url) as (name, database_url),
        tempfile.TemporaryDirectory(prefix="cr-stack-") as tmp,
    ):
        sink = SmtpSink().start()
        (Path(tmp) / "var").mkdir()
        env = stack_environment(
            database_url=database_url,
            redis_url=redis_url,
            port=port,
            mail_port=sink.port,
            var_dir=Path(tmp) / "var",
            tag=tag,
        )
        env.update(GUNICORN_WORKERS=str(web_workers), CELERY_CONCURRENCY=str(celery_concurrency))
        env.update(extra_env or {})
        log_dir = Path(tmp) / "logs"
        log_dir.mkdir()
        stack = Stack(
            url=f"http://localhost:{port}", env=env, sink=sink, log_dir=log_dir, database=name
        )
        try:
            _boot(stack, before_web)
            yield stack
        finally:
            _stop(stack.processes)
            sink.stop()
            _purge_queue(redis_url, tag)


def _boot(stack: Stack, before_web: tuple[str, dict] | None) -> None:
    # The image build's collectstatic and the first migrate are independent: run them together
    # (the web command migrates again, which is then a quick no-op, as on every compose restart).
    one_offs = {
        role: subprocess.Popen(
            start_command(role),
            cwd=ROOT,
            env=stack.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for role in ("collectstatic", "migrate")
    }
    try:
        for role, process in one_offs.items():
            output, _ = process.communicate(timeout=300)
            if process.returncode != 0:
                raise StackError(f"{role} failed:\n{output.decode(errors='replace')}")
    finally:
        _stop(one_offs)
    if before_web:
        stack.seeded = stack.data(before_web[0], **before_web[1])
    _start(stack, "web", compose_command("web"))
    _wait_for_health(stack, START_TIMEOUT)
    _start(stack, "worker", compose_command("worker"))
    _start(stack, "beat", compose_command("beat"))
    _wait_for_log(stack, "worker", " ready.", 60)
    _wait_for_log(stack, "beat", "beat: Starting", 60)
