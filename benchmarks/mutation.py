"""``make mutation``: how many deliberate bugs in the core modules the unit tests catch.

mutmut (configured under ``[tool.mutmut]`` in ``pyproject.toml``) copies ``src/``
to ``mutants/``, rewrites each function of the mutated modules into variants
that differ by one small change (``<`` for ``<=``, ``+ 1`` for ``+ 0`` ...), runs
the unit tests once to learn which tests call which function, and then runs,
for each mutant, only those tests. A mutant is *killed* when a test fails.

This script runs it on the project's two cores, checks that mutants were
really exercised (a run where nothing is killed means the tests imported the
unmutated ``src/``), writes every survivor with its diff to
``benchmarks/mutation_survivors.md`` and ends with the line
``mutation score N% (killed K of M)``. Survivors judged equivalent (no test
could tell them from the original) are listed with the reason in
``benchmarks/mutation_equivalent.txt`` and left out of ``M``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
SURVIVORS = ROOT / "benchmarks" / "mutation_survivors.md"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.txt"
#: mutmut's exit codes that mean a test caught the mutant (1: a test failed; 3: pytest errored).
KILLED = {1, 3}


def equivalent() -> dict[str, str]:
    """Mutants judged equivalent, each with its reason (``name  # reason`` lines)."""
    if not EQUIVALENT.exists():
        return {}
    found = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            found[name.strip()] = reason.strip()
    return found


def results() -> dict[str, int | None]:
    """Every mutant's exit code, from mutmut's ``.meta`` files."""
    codes: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes |= json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return codes


def write_survivors(survivors: list[str], skipped: dict[str, str]) -> None:
    """List each surviving mutant with its diff, so the next test to write is plain to see."""
    os.chdir(ROOT)  # mutmut's helpers read the configuration and mutants/ from here
    from mutmut.__main__ import find_mutant, get_diff_for_mutant

    by_function = Counter(name.rsplit("__mutmut_", 1)[0] for name in survivors)
    lines = ["# Surviving mutants", "",
             f"Written by `make mutation`: {len(survivors)} mutants no unit test caught "
             f"({len(skipped)} more judged equivalent, in `mutation_equivalent.txt`).", "",
             "| function | survivors |", "| --- | ---: |"]
    lines += [f"| `{name}` | {count} |" for name, count in by_function.most_common()]
    for name in survivors:
        diff = get_diff_for_mutant(name, path=find_mutant(name).path)
        lines += ["", f"## `{name}`", "", "```diff", diff.rstrip(), "```"]
    SURVIVORS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    started = time.perf_counter()
    shutil.rmtree(MUTANTS, ignore_errors=True)  # every run from the sources as they are now
    # The tests find the data through LACOE_PROJ_ROOT: mutants/ holds only the package and tests.
    env = dict(os.environ, LACOE_PROJ_ROOT=str(ROOT))
    mutmut = Path(sys.executable).with_name("mutmut")
    run = subprocess.run([str(mutmut), "run", "--max-children", str(os.cpu_count() or 2)], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    codes = results()
    if run.returncode != 0 or not codes:
        sys.exit(f"mutmut failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
    killed = [name for name, code in codes.items() if code in KILLED]
    if not killed:
        sys.exit("no mutant was killed: the tests are not running against mutants/src (check sys.path)")
    skipped = {name: reason for name, reason in equivalent().items() if name in codes and codes[name] not in KILLED}
    survivors = sorted(name for name, code in codes.items() if code not in KILLED and name not in skipped)
    write_survivors(survivors, skipped)
    counted = len(codes) - len(skipped)
    not_run = Counter(code for name, code in codes.items() if code not in KILLED and code != 0)
    print(f"{len(codes)} mutants in {time.perf_counter() - started:.0f} s; survivors (with their diffs) in "
          f"{SURVIVORS.relative_to(ROOT)}; {len(skipped)} judged equivalent are not counted"
          + (f"; exit codes of survivors that did not run cleanly: {dict(not_run)}" if not_run else ""))
    print(f"mutation score {100 * len(killed) / counted:.1f}% (killed {len(killed)} of {counted})")


if __name__ == "__main__":
    main()
