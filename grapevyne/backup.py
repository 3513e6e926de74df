"""Back up and restore the app database with pg_dump / pg_restore.

    python -m grapevyne.backup backup [--dir DIR]   # prints the dump's path
    python -m grapevyne.backup restore FILE         # replaces the database's contents

The database comes from DATABASE_URL, parsed as the settings parse it. The password
goes to pg_dump through the environment, never on a command line that `ps` shows.
Stop the web and worker processes before a restore: it drops and recreates every
table in one transaction, so it waits for their locks and they would see an empty
database mid-way otherwise.
"""

import argparse
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/grapevyne"
DEFAULT_BACKUP_DIR = BASE_DIR / "var" / "backups"

# DATABASE_URL query options that libpq also reads from the environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


def libpq_env(database_url: str) -> dict[str, str]:
    """PG* environment variables that point libpq tools at DATABASE_URL."""
    config = dj_database_url.parse(database_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"Only PostgreSQL can be backed up, not {config['ENGINE']}")
    env = {
        "PGDATABASE": config["NAME"],
        "PGHOST": config.get("HOST") or "",
        "PGPORT": str(config.get("PORT") or ""),
        "PGUSER": config.get("USER") or "",
        "PGPASSWORD": config.get("PASSWORD") or "",
    }
    for option, value in config.get("OPTIONS", {}).items():
        if option in _LIBPQ_OPTIONS:
            env[_LIBPQ_OPTIONS[option]] = str(value)
    return {name: value for name, value in env.items() if value}


def _run(command: list[str], database_url: str) -> None:
    # Only our PG* variables: a stray PGDATABASE or PGSERVICE in the caller's
    # environment must not redirect the dump or, worse, the restore.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env |= libpq_env(database_url)
    result = subprocess.run(command, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def backup(*, database_url: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"grapevyne-{stamp}.dump"
    partial = path.with_suffix(".dump.partial")
    # Written aside and renamed: a dump cut short never looks like a good one.
    try:
        _run(
            ["pg_dump", "--no-password", "--format=custom", f"--file={partial}"],
            database_url,
        )
    except SystemExit:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)
    return path


def restore(*, database_url: str, path: Path) -> None:
    if not path.is_file():
        raise SystemExit(f"No such dump: {path}")
    _run(
        [
            "pg_restore",
            "--no-password",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            # All or nothing: a failed restore leaves the database as it was.
            "--single-transaction",
            f"--dbname={libpq_env(database_url)['PGDATABASE']}",
            str(path),
        ],
        database_url,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grapevyne.backup")
    commands = parser.add_subparsers(dest="command", required=True)
    dump = commands.add_parser("backup", help="dump the database to a file")
    dump.add_argument("--dir", type=Path, default=DEFAULT_BACKUP_DIR)
    load = commands.add_parser("restore", help="replace the database with a dump")
    load.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)

    if args.command == "backup":
        print(backup(database_url=database_url, directory=args.dir))
    else:
        restore(database_url=database_url, path=args.file)
        print(f"Restored {args.file}", file=sys.stderr)


if __name__ == "__main__":
    main()
