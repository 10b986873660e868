"""Lighthouse accessibility, SEO and best-practices scores of the main page types (issue 26).

Too slow for CI (about 10 s a page): run by hand after layout or markup changes, and commit the result.

    npm install --prefix /some/folder/outside/the/repo lighthouse@12.2.3
    LIGHTHOUSE=/some/folder/outside/the/repo/node_modules/.bin/lighthouse .venv/bin/python bench/lighthouse.py

The site runs as in production (gunicorn, DEBUG off, collected static files) on a fresh SQLite database
with the seed content, in a temporary folder; Lighthouse drives Debian's Chromium (CHROME_PATH, default
/usr/bin/chromium) at desktop and mobile settings. The scores go to bench/results/lighthouse.json and are
printed; the run fails when a score is below --min-score (100 by default) so a regression is noticed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ROOT, django_env, free_port, git_state, log, run_checked, start_gunicorn, stop_gunicorn

CATEGORIES = ["accessibility", "seo", "best-practices"]
PAGES = {
    "home": "/",
    "news-list": "/news/",
    "article": "/news/1/",
    "charter": "/about/charter/",
    "history": "/about/charter/history/",
    "members": "/members/",
    "contact": "/contact/",
    "search": "/search/?q=开发区",
    "home-en": "/en/",
    "charter-en": "/en/about/charter/",
}
# Pages a crawler must not index by design (search results): Lighthouse's SEO "is-crawlable" audit fails there.
NOINDEX = {"search"}


def lighthouse(binary, url, form_factor, chrome_path):
    command = [
        binary,
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --lang=zh-CN",
        "--max-wait-for-load=30000",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    done = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": chrome_path}, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise SystemExit(f"lighthouse failed for {url}:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = [
        audit_id
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"] and (audit_id := ref["id"]) and report["audits"][audit_id]["score"] not in (1, None)
    ]
    return scores, failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE", "lighthouse"))
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--min-score", type=int, default=100)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "lighthouse.json"))
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), help="only these pages (default: all)")
    args = parser.parse_args(argv)
    pages = {name: path for name, path in PAGES.items() if not args.pages or name in args.pages}
    with tempfile.TemporaryDirectory(prefix="hnda-lighthouse-") as folder:
        workdir = Path(folder)
        env = django_env(f"sqlite:///{workdir / 'site.sqlite3'}", workdir / "static", workdir / "media", None)
        port = free_port()
        env.update(SITE_URL=f"http://127.0.0.1:{port}", ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
        python = sys.executable
        run_checked([python, "manage.py", "migrate", "--noinput"], env, "migrate")
        run_checked([python, "manage.py", "load_seed"], env, "load_seed")
        run_checked([python, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")
        site = start_gunicorn("hnda_site.wsgi", env, port, 2, 1, workdir / "site.log")
        results, low = {}, []
        try:
            for name, path in pages.items():
                for form_factor in ("mobile", "desktop"):
                    scores, failed = lighthouse(
                        args.lighthouse, f"http://127.0.0.1:{port}{path}", form_factor, args.chrome
                    )
                    results[f"{name} {form_factor}"] = {"path": path, **scores, "failed_audits": failed}
                    log(f"{name} {form_factor}: {scores} {failed or ''}")
                    wanted = dict.fromkeys(CATEGORIES, args.min_score)
                    if name in NOINDEX:
                        wanted["seo"] = 0
                    low += [f"{name} {form_factor} {c}={scores[c]}" for c in CATEGORIES if scores[c] < wanted[c]]
        finally:
            stop_gunicorn(site)
    version = subprocess.run([args.lighthouse, "--version"], capture_output=True, text=True).stdout.strip()
    Path(args.output).write_text(
        json.dumps({"lighthouse": version, "source": git_state(), "pages": results}, ensure_ascii=False, indent=1)
        + "\n"
    )
    log(f"written to {args.output}")
    if low:
        raise SystemExit("bench: scores below the minimum: " + "; ".join(low))


if __name__ == "__main__":
    main()
