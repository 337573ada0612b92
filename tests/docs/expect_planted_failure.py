#!/usr/bin/env python3
"""Runs the snippet program built from planted_wrong_snippet.md and passes only when it fails on
exactly the planted wrong output and the throwing block, and passes the right one.

    expect_planted_failure.py PROGRAM
"""
import subprocess
import sys

FIXTURE = "tests/docs/planted_wrong_snippet.md"
run = subprocess.run([sys.argv[1]], capture_output=True, text=True)
out = run.stdout
print(out)
checks = {
    "the program exits with failure": run.returncode == 1,
    "the right snippet passes": f"ok   {FIXTURE}:6 (output checked)" in out,
    "the planted wrong output fails": f"FAIL {FIXTURE}:16: printed" in out,
    "the throwing snippet fails": f"FAIL {FIXTURE}:26: threw:" in out,
    "three snippets ran, two failed": "3 snippets, 2 failed" in out,
}
for what, ok in checks.items():
    print(("ok   " if ok else "FAIL ") + what)
sys.exit(0 if all(checks.values()) else 1)
