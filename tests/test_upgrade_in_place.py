"""Upgrade in place: an install's database, created at commit 1792999 with the demo data, migrates to this code
without losing a row.

The fixture (tests/fixtures/db_at_1792999.sqlite3.gz, made by scripts/make-upgrade-fixture.sh) is the database
of that commit — before models move between apps (keeping their tables) and before organisations arrive. The test
runs this checkout's migrations on a copy in a subprocess, exactly as an operator would (``manage.py migrate``),
then compares every table's row count with the count before, and reads the moved models back through the ORM,
finding each by its table rather than by its app, so the test holds wherever a model lives.

It needs no server, Redis or PostgreSQL: it runs in the ordinary (not integration) suite.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "db_at_1792999.sqlite3.gz"

# Tables whose row count a migration is meant to change; every other table keeps its count exactly.
CHANGED_BY_MIGRATIONS = {
    # One row per migration applied after the fixture's commit.
    "django_migrations",
    # Filled after every migrate (post_migrate) for the models that exist now: a new model, or a model that moves to
    # another app, adds its content type and its four permissions; the old app's rows stay until
    # remove_stale_contenttypes is run.
    "django_content_type",
    "auth_permission",
    # SQLite's own AUTOINCREMENT counters: a row appears for each table that gets its first insert.
    "sqlite_sequence",
}

# Tables a migration renames on purpose, old name → new name: the rows are counted under the new name.
RENAMED_TABLES: dict[str, str] = {}

# Models read back through the ORM after migrating, found by their table (wherever the model now lives) with the
# class name they must still have. These are the ones about to move between apps, and the chats and customers.
ORM_MODELS = {
    "dialogue_call": "Call",
    "dialogue_callsegment": "CallSegment",
    "dialogue_replyscript": "ReplyScript",
    "dialogue_replysample": "ReplySample",
    "dialogue_replymodelversion": "ReplyModelVersion",
    "dialogue_replysuggestion": "ReplySuggestion",
    "crm_imintegration": "ImIntegration",
    "crm_webhookdelivery": "WebhookDelivery",
    "crm_profilefact": "ProfileFact",
    "crm_profilechange": "ProfileChange",
    "crm_closenessweights": "ClosenessWeights",
    "salescard_apitoken": "ApiToken",
    "crm_customer": "Customer",
    "crm_user": "User",
    "dialogue_conversation": "Conversation",
    "dialogue_message": "Message",
    "dialogue_handoff": "HandOff",
    "branch_task": "Task",
}

# Run inside ``manage.py shell``: the migration checks, then the ORM's view of the tables above. Every model is read
# once (one row, all its columns), so a model whose state no longer matches its table fails here.
ORM_CHECK = """
import json
from django.apps import apps
from django.core.management import call_command
from django.db import connection

def exit_code(*args, **options):
    try:
        call_command(*args, **options)
    except SystemExit as stop:
        return stop.code or 0
    return 0

wanted = json.loads(%(wanted)r)
tables = set(connection.introspection.table_names())
found, unreadable = {}, {}
for model in apps.get_models():
    meta = model._meta
    if meta.proxy or not meta.managed or meta.db_table not in tables:
        continue
    try:
        list(model._base_manager.all()[:1])
    except Exception as error:
        unreadable[meta.label] = repr(error)
    if meta.db_table in wanted:
        found.setdefault(meta.db_table, []).append(
            {"label": meta.label, "name": meta.object_name, "count": apps.get_model(meta.label)._base_manager.count()}
        )
result = {
    "migrate_check": exit_code("migrate", check=True, verbosity=0),
    "makemigrations_check": exit_code("makemigrations", check=True, dry_run=True, verbosity=0),
    "models": found,
    "unreadable": unreadable,
}
print("UPGRADE-CHECK " + json.dumps(result))
"""


def row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def manage(database: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "ENV_FILE"}}
    env.update(
        ENV_FILE="",
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="salescard.settings",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        MODEL_DIR=str(tmp_path / "models"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )


def count_table(before: dict[str, int], after: dict[str, int]) -> str:
    """Before/after counts of every table (a renamed one under its new name), the differing ones marked."""
    names = sorted(set(before) | set(after))
    width = max(len(n) for n in names)
    lines = [f"{'table':<{width}}  {'before':>7}  {'after':>7}"]
    for name in names:
        old, new = before.get(name), after.get(name)
        mark = "" if old == new else ("   (allowed)" if name in CHANGED_BY_MIGRATIONS else "   <-- differs")
        lines.append(f"{name:<{width}}  {'-' if old is None else old:>7}  {'-' if new is None else new:>7}{mark}")
    return "\n".join(lines)


@pytest.mark.timeout(1200)
def test_a_database_of_commit_1792999_with_the_demo_data_migrates_without_losing_rows(tmp_path):
    database = tmp_path / "db.sqlite3"
    with gzip.open(FIXTURE) as packed, database.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    before = {RENAMED_TABLES.get(name, name): count for name, count in row_counts(database).items()}
    assert before["dialogue_call"] and before["crm_webhookdelivery"] and before["salescard_apitoken"], (
        "The fixture should hold rows in the tables that move; rebuild it with scripts/make-upgrade-fixture.sh."
    )

    migrated = manage(database, tmp_path, "migrate", "--noinput")
    assert migrated.returncode == 0, f"migrate failed:\n{migrated.stdout[-4000:]}\n{migrated.stderr[-4000:]}"

    after = row_counts(database)
    table = count_table(before, after)
    kept = [name for name in before if name not in CHANGED_BY_MIGRATIONS]
    lost = sorted(name for name in kept if name not in after)
    changed = sorted(name for name in kept if name in after and after[name] != before[name])
    assert not lost and not changed, f"Tables gone: {lost}; row counts changed: {changed}\n{table}"

    wanted = {RENAMED_TABLES.get(t, t): name for t, name in ORM_MODELS.items()}
    checked = manage(database, tmp_path, "shell", "-c", ORM_CHECK % {"wanted": json.dumps(wanted)})
    assert checked.returncode == 0, f"ORM check failed:\n{checked.stdout[-4000:]}\n{checked.stderr[-4000:]}"
    line = next(x for x in checked.stdout.splitlines() if x.startswith("UPGRADE-CHECK "))
    result = json.loads(line.removeprefix("UPGRADE-CHECK "))
    assert result["migrate_check"] == 0, "manage.py migrate --check: migrations are still unapplied"
    assert result["makemigrations_check"] == 0, "makemigrations --check --dry-run: the models have unmigrated changes"
    assert not result["unreadable"], f"Models the ORM cannot read from their tables: {result['unreadable']}"

    problems = []
    for db_table, name in wanted.items():
        models = result["models"].get(db_table, [])
        if len(models) != 1 or models[0]["name"] != name:
            problems.append(f"{db_table}: expected one model {name}, found {models}")
        elif models[0]["count"] != after[db_table]:
            problems.append(
                f"{db_table}: {models[0]['label']} counts {models[0]['count']}, the table {after[db_table]}"
            )
    orm = "\n".join(f"{t:<28} {m}" for t, m in sorted(result["models"].items()))
    assert not problems, "\n".join(problems) + f"\n\nThrough the ORM:\n{orm}\n\n{table}"
