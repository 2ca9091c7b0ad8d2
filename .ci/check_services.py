"""Fail with one line when the test suite's PostgreSQL or Redis is unreachable."""

import os
import sys

import environ
import psycopg
import redis

db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
try:
    psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=5,
    ).close()
except Exception as exc:
    sys.exit(
        f"PostgreSQL is unreachable at {db['HOST']}:{db['PORT'] or 5432} ({exc.__class__.__name__}); start it or set DATABASE_URL."
    )
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5).ping()
except Exception as exc:
    sys.exit(
        f"Redis is unreachable at {os.environ['REDIS_URL']} ({exc.__class__.__name__}); start it or set REDIS_URL."
    )
