"""``make bench`` (second part): the reader's book measured by tools no one here wrote.

* **Lighthouse 12** (npm ``lighthouse@12.2.3``, installed by
  ``scripts/vendor-lighthouse.sh``) with its mobile defaults (simulated slow
  4G and a 4x slower CPU), on Debian's Chromium, every chapter page served
  by a plain ``python3 -m http.server`` (no compression, no cache headers).
  The pages the issue names (finance, audit, ledger) are measured
  ``--runs`` times and reported as the median, since the machine is shared
  and Lighthouse's simulation starts from a real trace; the others once.
* **Nu HTML Checker** (npm ``vnu-jar``, vendored by ``scripts/vendor-vnu.sh``):
  errors per page.

Writes ``benchmarks/lighthouse.md``. Nothing here asserts a score: the tests
check validity (``tests/browser/test_html_valid.py``); this script reports.
Usage: ``python benchmarks/lighthouse.py [--runs 3] [--site _build/html]``.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "lighthouse.md"
LIGHTHOUSE = ROOT / ".cache" / "npm-lighthouse" / "node_modules" / ".bin" / "lighthouse"
VNU_JAR = ROOT / ".cache" / "vnu" / "vnu.jar"
CHROMIUM = os.environ.get("LACOE_CHROMIUM", "/usr/bin/chromium")
NAMED = ("finance", "audit", "ledger")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run, mobile defaults; the four category scores (0-100) and the metrics."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    "--chrome-flags=--headless=new --no-sandbox"], env=env, check=True,
                   capture_output=True, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    metrics = {m: report["audits"][m]["numericValue"] for m in METRICS}
    return {"scores": scores, "metrics": metrics}


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (its other figures come with it)."""
    ordered = sorted(runs, key=lambda r: r["scores"]["performance"])
    return ordered[len(ordered) // 2]


def vnu(site: Path) -> tuple[list[str], Counter]:
    pages = sorted(p for p in site.rglob("*.html")
                   if not any(part.startswith("_") for part in p.relative_to(site).parts))
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=900)
    errors = [m for m in json.loads(result.stderr)["messages"] if m.get("type") == "error"]
    names = [p.relative_to(site).as_posix() for p in pages]
    counts = Counter()
    for error in errors:
        path = error["url"].split(str(site.resolve()) + "/", 1)[-1] if "url" in error else "?"
        counts[path] += 1
    return names, counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per named page (median reported)")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--pages", nargs="*", help="chapter names (default: every chapter page)")
    args = parser.parse_args(argv)
    for tool, hint in ((LIGHTHOUSE, "bash scripts/vendor-lighthouse.sh"), (VNU_JAR, "bash scripts/vendor-vnu.sh")):
        if not tool.exists():
            sys.exit(f"{tool.relative_to(ROOT)} is missing: run `{hint}` (make bench does)")
    if args.site == ROOT / "_build" / "html":
        subprocess.run(["make", "--no-print-directory", "book"], cwd=ROOT, check=True)
    site = args.site.resolve()
    chapters = args.pages or sorted(p.stem for p in (site / "chapters").glob("*.html"))

    started = time.perf_counter()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[str, dict] = {}
    try:
        time.sleep(1)
        with tempfile.TemporaryDirectory() as tmp:
            for name in chapters:
                url = f"http://127.0.0.1:{port}/chapters/{name}.html"
                runs = [lighthouse(url, Path(tmp) / f"{name}-{i}.json")
                        for i in range(args.runs if name in NAMED else 1)]
                results[name] = {**median_run(runs), "runs": [r["scores"]["performance"] for r in runs]}
                print(f"{name}: {results[name]['scores']} (performance runs {results[name]['runs']})", flush=True)
    finally:
        server.terminate()
        server.wait()
    pages, errors = vnu(site)
    seconds = time.perf_counter() - started

    lines = [
        "# Lighthouse and the Nu HTML Checker on the book",
        "",
        f"Written by `make bench` (`benchmarks/lighthouse.py`) on {date.today().isoformat()} in "
        f"{seconds / 60:.1f} min: Lighthouse 12.2.3, mobile defaults (simulated slow 4G, 4x CPU), Debian "
        "Chromium, the book served by `python3 -m http.server` (no compression). Finance, audit and ledger: "
        f"median of {args.runs} runs (all runs' performance scores listed); other pages: one run. "
        "The machine is shared, so scores move by several points between runs.",
        "",
        "| page | performance | accessibility | best practices | SEO | FCP s | LCP s | TBT ms | CLS | runs |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        s, m = r["scores"], r["metrics"]
        lines.append(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} | "
                     f"{m['first-contentful-paint'] / 1000:.1f} | {m['largest-contentful-paint'] / 1000:.1f} | "
                     f"{m['total-blocking-time']:.0f} | {m['cumulative-layout-shift']:.3f} | "
                     f"{', '.join(map(str, r['runs']))} |")
    lines += ["", f"Nu HTML Checker (vnu-jar, errors only): {sum(errors.values())} errors on {len(pages)} pages"
              + (": " + ", ".join(f"{p} {n}" for p, n in sorted(errors.items())) if errors else "."), ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
