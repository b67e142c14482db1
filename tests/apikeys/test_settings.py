"""Production refuses to start without an API key encryption key; development derives one."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "JWT_PRIVATE_KEY", "JWT_PRIVATE_KEY_FILE", "API_KEY_ENCRYPTION_KEY")}
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','procure_core.settings'); "
                               "django.setup(); from django.conf import settings; "
                               "print('started', bool(settings.PROCURE_API_KEY_ENCRYPTION_KEY))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_an_api_key_encryption_key():
    result = _start(DEBUG="0", SECRET_KEY="s" * 50, JWT_PRIVATE_KEY="configured elsewhere")
    assert result.returncode != 0
    assert "API_KEY_ENCRYPTION_KEY must be set in production" in result.stderr


def test_production_starts_with_one():
    result = _start(DEBUG="0", SECRET_KEY="s" * 50, JWT_PRIVATE_KEY="configured elsewhere", API_KEY_ENCRYPTION_KEY="k" * 64)
    assert result.returncode == 0, result.stderr
    assert "started True" in result.stdout


def test_development_derives_one_from_secret_key():
    result = _start(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "started True" in result.stdout
