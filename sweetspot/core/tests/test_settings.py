"""Settings: production mode refuses to start without SECRET_KEY; check --deploy passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DATABASE_URL",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = _run(["check"], {"DEBUG": "0", "SWEETSPOT_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_passes_with_production_env(tmp_path):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "psa.example.com",
        "SWEETSPOT_VAR_DIR": str(tmp_path),
    }
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    hashers = _run(
        ["shell", "-c", "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"],
        env,
    )
    assert "Argon2PasswordHasher" in hashers.stdout


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; the configured init command asks for it.
    assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]
    assert mode in {"wal", "memory"}


def test_unknown_boolean_value_is_refused_naming_the_variable(tmp_path):
    result = _run(["check"], {"DEBUG": "maybe", "SWEETSPOT_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a yes/no value" in result.stderr


def test_no_environment_variable_turns_on_testing_mode(tmp_path):
    """The old SWEETSPOT_TESTING switch (or any other) must not bypass the refusal."""
    env = {"DEBUG": "0", "SWEETSPOT_TESTING": "1", "SWEETSPOT_VAR_DIR": str(tmp_path)}
    result = _run(["check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_test_settings_come_from_pytest_configuration(settings):
    assert settings.TESTING is True
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_local_dotenv_is_read_only_for_local_development(tmp_path):
    from config.settings import read_dotenv

    env_file = tmp_path / ".env"
    env_file.write_text("# local\nDEBUG=1\nSECRET_KEY='abc=def'\n\nbroken line\n")
    assert read_dotenv(env_file) == {"DEBUG": "1", "SECRET_KEY": "abc=def"}
