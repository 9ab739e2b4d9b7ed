"""Upgrade in place: an install's database, created at an older commit with the demo data, migrates to this code
without losing a row, and a single-company database becomes one default organisation (issue 19 item 5).

The fixtures (tests/fixtures/db_at_<commit>.sqlite3.gz, made by ``scripts/make-upgrade-fixture.sh <commit>``):
- 13a5c36, "today's HEAD" before issue 19: the models already in their apps, no organisation as tenant boundary
  (the demo's staff work for three company profiles, 招财银行 / 好家居生活馆 / 安心人寿, but see every customer);
- 1792999, an older install: also before the models move between apps (keeping their tables), so its upgrade runs
  the moves and the organisations in one ``migrate``.
The test runs this checkout's migrations on a copy in a subprocess, exactly as an operator would (``manage.py
migrate``), then compares every table's row count with the count before, reads the moved models back through the
ORM, finding each by its table rather than by its app, so the test holds wherever a model lives, and checks where
the migrations put every row that has an organisation now:
- exactly one default organisation;
- a row of a table that had no organisation before belongs to it when the organisation is required (every
  ``TenantOwned`` model: customers, catalogue, cases, cards, branches, IM integrations, model versions …) and stays
  product-wide (null) where it is optional (``OrganisationOverride``: word lists, thresholds, templates …);
- all staff but superusers belong to it (before, everyone worked on every customer); superusers keep theirs;
- rows that had an organisation before (company facts, promotions) keep it;
- each ``TenantOwned`` table reads back whole through ``Model.objects.of(default)``.

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
FIXTURES = REPO / "tests" / "fixtures"
# The commits whose databases are migrated (see the module docstring); db_at_<commit>.sqlite3.gz each.
COMMITS = ("13a5c36", "1792999")

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
from crm.models import Organisation, OrganisationOverride, TenantOwned

defaults = list(Organisation.objects.filter(is_default=True).values_list("pk", flat=True))
owned = {}
for model in apps.get_models():
    meta = model._meta
    if meta.proxy or not meta.managed or meta.db_table not in tables:
        continue
    field = next((f for f in meta.concrete_fields if f.name == "organisation"), None)
    if field is None or not field.many_to_one or field.related_model is not Organisation:
        continue
    tenant_owned = issubclass(model, TenantOwned)
    owned[meta.db_table] = {
        "label": meta.label,
        "null": field.null,
        "tenant_owned": tenant_owned,
        "override": issubclass(model, OrganisationOverride),
        "rows": {str(pk): org for pk, org in model._base_manager.values_list("pk", "organisation_id")},
        "superusers": sorted(model._base_manager.filter(is_superuser=True).values_list("pk", flat=True))
        if any(f.name == "is_superuser" for f in meta.concrete_fields) else [],
        "of_default": model.objects.of(defaults[0]).count() if tenant_owned and len(defaults) == 1 else None,
    }
result = {
    "defaults": defaults,
    "owned": owned,
    "migrate_check": exit_code("migrate", check=True, verbosity=0),
    "makemigrations_check": exit_code("makemigrations", check=True, dry_run=True, verbosity=0),
    "models": found,
    "unreadable": unreadable,
}
print("UPGRADE-CHECK " + json.dumps(result))
"""


def organisations_before(database: Path) -> dict[str, dict[str, int | None]]:
    """pk → organisation id of every row of the tables that already had an ``organisation_id`` column."""
    found = {}
    with sqlite3.connect(database) as connection:
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')}
            if "organisation_id" in columns and "id" in columns:
                rows = connection.execute(f'SELECT id, organisation_id FROM "{name}"')
                found[name] = {str(pk): org for pk, org in rows}
    return found


def organisation_problems(result: dict, before: dict[str, dict[str, int | None]]) -> list[str]:
    """Where the migrations left a row's organisation other than where a single-company database puts it."""
    defaults = result["defaults"]
    if len(defaults) != 1:
        return [f"expected exactly one default organisation, found {defaults}"]
    default = defaults[0]
    owned = result["owned"]
    problems = []
    tenant_tables = {t for t, info in owned.items() if info["tenant_owned"]}
    for expected in ("crm_customer", "crm_product", "crm_productcategory", "salescard_smartcard", "branch_branch"):
        if expected not in tenant_tables:
            problems.append(f"{expected}: expected a TenantOwned model on this table, found {sorted(tenant_tables)}")
    for table, info in sorted(owned.items()):
        rows, label = info["rows"], info["label"]
        if info["tenant_owned"] and info["null"]:
            problems.append(f"{label}: a TenantOwned model with a nullable organisation")
        if info["override"] and not info["null"]:
            problems.append(f"{label}: an OrganisationOverride model with a required organisation")
        if table == "crm_user":
            superusers = {str(pk) for pk in info["superusers"]}
            old = before.get(table, {})
            wrong = {pk: org for pk, org in rows.items() if pk not in superusers and org != default}
            moved = {pk: (old.get(pk), rows[pk]) for pk in superusers if old.get(pk) != rows[pk]}
            if wrong:
                problems.append(f"{label}: staff outside the default organisation {default}: {wrong}")
            if moved:
                problems.append(f"{label}: superusers whose organisation changed (before, after): {moved}")
        elif table in before:  # had an organisation before issue 19: it keeps it
            changed = {pk: (before[table].get(pk), org) for pk, org in rows.items() if before[table].get(pk) != org}
            if changed:
                problems.append(f"{label}: rows whose organisation changed (before, after): {changed}")
        elif info["null"]:  # product-wide configuration: stays product-wide
            given = {pk: org for pk, org in rows.items() if org is not None}
            if given:
                problems.append(f"{label}: product-wide rows given an organisation: {given}")
        else:
            elsewhere = {pk: org for pk, org in rows.items() if org != default}
            if elsewhere:
                problems.append(f"{label}: rows outside the default organisation {default}: {elsewhere}")
        if info["tenant_owned"] and info["of_default"] != len(rows):
            problems.append(f"{label}: objects.of(default) reads {info['of_default']} rows of {len(rows)}")
    return problems


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
@pytest.mark.parametrize("commit", COMMITS)
def test_a_database_with_the_demo_data_migrates_into_one_organisation_without_losing_rows(tmp_path, commit):
    database = tmp_path / "db.sqlite3"
    with gzip.open(FIXTURES / f"db_at_{commit}.sqlite3.gz") as packed, database.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    before = {RENAMED_TABLES.get(name, name): count for name, count in row_counts(database).items()}
    organisations = organisations_before(database)
    assert before["dialogue_call"] and before["crm_webhookdelivery"] and before["salescard_apitoken"], (
        f"The fixture should hold rows in the tables that move; rebuild it: scripts/make-upgrade-fixture.sh {commit}"
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

    problems = organisation_problems(result, organisations)
    assert not problems, "Organisations after migrating:\n" + "\n".join(problems)
