"""Smoke tests of the load benchmark's parts (the benchmark itself is not a test)."""

import subprocess
import sys
from pathlib import Path

from bench.load import read_stats

ROOT = Path(__file__).resolve().parent.parent
LOCUST = Path(sys.executable).parent / "locust"


def test_the_locustfile_imports_and_defines_the_three_kinds_of_visitor():
    # In a subprocess: importing locust monkey-patches the whole interpreter.
    listed = subprocess.run(  # noqa: S603 (the venv's own locust)
        [str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    users = listed.stdout.split()
    assert {"Member", "LoggingInMember", "EmailLinkVisitor"} <= set(users)


def test_it_reads_per_page_and_aggregated_figures_from_locusts_csv(tmp_path):
    header = (
        "Type,Name,Request Count,Failure Count,Median Response Time,"
        "Average Response Time,Min Response Time,Max Response Time,"
        "Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,"
        "99%,99.9%,99.99%,100%"
    )
    rows = [
        "GET,dashboard,10,0,40,45,30,90,5000,2.5,0,40,42,44,50,60,80,85,90,90,90,90",
        "POST,login POST,2,1,900,900,800,1000,100,0.5,0.25,"
        "900,900,1000,1000,1000,1000,1000,1000,1000,1000,1000",
        ",Aggregated,12,1,45,100,30,1000,4000,3.0,0.25,"
        "45,50,60,70,90,900,1000,1000,1000,1000,1000",
    ]
    (tmp_path / "run_stats.csv").write_text("\n".join([header, *rows]) + "\n")

    pages, total = read_stats(str(tmp_path / "run"))

    assert [(p["method"], p["page"], p["p95_ms"]) for p in pages] == [
        ("GET", "dashboard", 80.0),
        ("POST", "login POST", 1000.0),
    ]
    assert pages[1]["errors"] == 1
    assert (total["rps"], total["p95_ms"], total["p99_ms"], total["errors"]) == (
        3.0,
        900.0,
        1000.0,
        1,
    )
