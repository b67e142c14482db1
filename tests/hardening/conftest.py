"""Fixtures for tests that run real app instances against the PostgreSQL and Redis of CI's second pass."""
import os
import uuid

import pytest

from tests import processes


def _requires_shared_services():
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        pytest.skip("multi-instance tests need DATABASE_URL (PostgreSQL) and REDIS_URL: CI's second pass sets both")
    return database_url, os.environ["REDIS_URL"]


@pytest.fixture(scope="module")
def instance_env():
    """A fresh database on the PostgreSQL server of DATABASE_URL and a private key prefix on the
    Redis of REDIS_URL, migrated and shared by the app instances of one test module."""
    import psycopg

    database_url, redis_url = _requires_shared_services()
    name = f"procure_instances_{uuid.uuid4().hex[:10]}"
    server_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server_url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = processes.app_env(database_url.rsplit("/", 1)[0] + f"/{name}", redis_url, CACHE_KEY_PREFIX=name,
                            RATE_LIMIT_CREDENTIAL="6/day")  # a day-long window: no boundary inside a test
    try:
        processes.manage(env, "migrate", "--noinput")
        yield env
    finally:
        with psycopg.connect(server_url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
