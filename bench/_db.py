"""A fresh PostgreSQL database for a benchmark: dropped and created again (a flush would TRUNCATE the audit
trail, which its guard refuses outside test databases, as it should)."""

import psycopg


def fresh_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
