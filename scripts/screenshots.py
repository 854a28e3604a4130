"""Take screenshots of pages in headless Chromium (Debian's /usr/bin/chromium), to look at what we build.

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 --user director \
        --lang en --width 390 /workbench/=docs/screenshots/workbench-en-phone.png /audit/=/tmp/audit.png

Logs in through the real login form (unless --user is omitted), sets the language cookie, full-page shots.
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:8000")
    ap.add_argument("--user")
    ap.add_argument("--password", default="Center#2026")
    ap.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=800)
    ap.add_argument("shots", nargs="+", help="PATH=OUTFILE.png")
    args = ap.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        ctx = browser.new_context(
            viewport={"width": args.width, "height": args.height}, device_scale_factor=1
        )
        host = args.base.split("//", 1)[1].split("/")[0].split(":")[0]
        ctx.add_cookies([{"name": "django_language", "value": args.lang, "domain": host, "path": "/"}])
        page = ctx.new_page()
        if args.user:
            page.goto(args.base + "/accounts/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("#login-submit")
            page.wait_for_load_state("networkidle")
        for shot in args.shots:
            path, out = shot.rsplit("=", 1)  # a query string may contain "=", a file name does not
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=out, full_page=True)
            print(f"{path} -> {out} ({page.title()})")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
