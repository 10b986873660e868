"""The deployment kit in deploy/ stays in step with the settings it deploys (make deploy-check runs it for real)."""

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documented_variables():
    """The environment variables of README's "Configuration" table."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = []
    for row in re.findall(r"^\| `([^|]+?)` \|", table, flags=re.MULTILINE):
        names += re.findall(r"[A-Z][A-Z0-9_]+", row)
    return names


def test_env_example_lists_every_variable_readme_documents():
    example = (ROOT / "deploy" / "env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    documented = documented_variables()
    assert len(documented) > 30
    assert [name for name in documented if name not in listed] == []


def test_env_example_holds_no_real_domain_or_secret():
    example = (ROOT / "deploy" / "env.example").read_text()
    hosts = set(re.findall(r"(?:https?://|@)([a-z0-9.-]+\.[a-z]{2,})", example))
    assert hosts <= {"www.example.org", "smtp.example.org", "s3.example.org", "example.org"}
    assert re.search(r"^SECRET_KEY=replace-with", example, flags=re.MULTILINE)


def test_gunicorn_workers_follow_the_core_count_and_are_capped(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] == 5
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 16)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == 8
    assert config["max_requests"] and config["max_requests_jitter"] and config["timeout"] == 30
