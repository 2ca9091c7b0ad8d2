"""``manage.py bench_sending`` end to end on a small count, so the command behind the README's
sending figures keeps working: a real worker, sink, ceiling runs and the clean-up."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.management import call_command

from newsletters.models import Delivery, Edition, Subscriber

from .celery_support import database_url

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_the_sending_benchmark_sends_everything_and_cleans_up(celery_on_redis, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url())  # the worker it starts uses the test DB
    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
    out = io.StringIO()

    call_command(
        "bench_sending", "--count", "300", "--concurrency", "1", "--batch-size", "50",
        "--allow-any-database", "--timeout", "120", stdout=out,
    )  # fmt: skip

    report = out.getvalue()
    assert re.search(r"messages sent:\s+300 of 300 in", report), report
    for line in ("project send rate:", "plain smtplib ceiling:", "ratio:", "pipelined ceiling:"):
        assert re.search(rf"{line}\s+\d", report), report
    assert re.search(r"assembled \d+ items from 1,000 public records", report), report
    # warm-up 100 + 300 + three ceiling runs of 300 (plain before and after, pipelined)
    assert re.search(r"sink: received 1300\b", report), report
    assert re.search(
        r"\(1 connections, pre-rendered; \d+\.\d before the send, \d+\.\d after\)", report
    )
    assert not Subscriber.objects.filter(email__endswith="@bench.invalid").exists()
    assert not Edition.objects.filter(month__year=1901).exists()
    assert not Delivery.objects.exists()
