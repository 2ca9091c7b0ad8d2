"""gunicorn trusts for HTTPS exactly the proxies the app trusts (``TRUSTED_PROXIES``).

gunicorn sets the request's scheme from X-Forwarded-Proto / X-Forwarded-Ssl itself when the
peer is in its ``--forwarded-allow-ips`` (loopback by default), and Django believes the scheme.
These tests start the real server with ``cityrelations/deploy/start serve`` (the command
production runs, without the migrations) and ask it from loopback: with debug off an http
request is redirected to https, a request Django takes for secure is not.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cityrelations.core.client_ip import GUNICORN_TRUST_NOBODY, gunicorn_forwarded_allow_ips

ROOT = Path(__file__).resolve().parents[2]


def test_the_list_gunicorn_gets():
    assert gunicorn_forwarded_allow_ips([]) == GUNICORN_TRUST_NOBODY == "0.0.0.0"
    # gunicorn refuses a network with host bits set; the app's setting accepts it.
    assert (
        gunicorn_forwarded_allow_ips(["10.0.0.5", " 172.16.0.7/12", "", "fd00::1/64", "::1"])
        == "10.0.0.5,172.16.0.0/12,fd00::/64,::1"
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(tmp_path: Path, trusted_proxies: str) -> Iterator[str]:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),  # gunicorn's control socket
        "LANG": "C.UTF-8",
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "cityrelations.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CITYRELATIONS_VAR_DIR": str(tmp_path),
        "TRUSTED_PROXIES": trusted_proxies,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["cityrelations/deploy/start", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    opener = urllib.request.build_opener(_NoRedirect)
    # The dashboard: anonymous readers are sent to log in, no template (no static files) needed.
    request = urllib.request.Request(url + "/", headers=headers)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


CLAIMS = [{"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}]


def test_no_trusted_proxies_no_https_claims_even_from_loopback(tmp_path):
    with _server(tmp_path, "") as url:
        for claim in CLAIMS:
            status, headers = _get(url, claim)
            # Plain http, as it was: redirected to https, and no HSTS promise.
            assert status == 301, (claim, status)
            assert headers["Location"].startswith("https://"), claim
            assert "Strict-Transport-Security" not in headers, claim


def test_a_trusted_proxys_https_claim_is_believed(tmp_path):
    with _server(tmp_path, "127.0.0.0/8") as url:
        status, headers = _get(url, {"X-Forwarded-Proto": "https"})
        assert status == 302 and headers["Location"].startswith("/accounts/login/")
        assert "Strict-Transport-Security" in headers
        # Without the claim the same proxy's request is plain http.
        assert _get(url, {})[0] == 301
