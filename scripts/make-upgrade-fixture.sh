#!/usr/bin/env bash
# Builds tests/fixtures/db_at_<COMMIT>.sqlite3.gz, a database tests/test_upgrade_in_place.py migrates: a SQLite
# database created by the code of an older commit and filled with its demo data. The fixtures in the repository:
#   1792999  before the models move between apps (issue 18) and before organisations (issue 19);
#   13a5c36  "today's HEAD" before issue 19: one undivided company, no organisations.
#
# The code is taken from that commit (git archive into a temporary folder), whatever is checked out, and run with
# this checkout's .venv (the requirements of that commit). Nothing is written into the checkout but the fixture.
# The commands, in that commit's code:
#   manage.py migrate --noinput
#   manage.py seed_demo --customers 40          (the Makefile's prepare seeds 300; 40 keeps the fixture small)
#   manage.py seed_faqs
#   manage.py install_emotion_model             (the card chat's emotion analysis; ~20 s)
#   manage.py ensure_demo_manager
#   manage.py ensure_demo_cards  --base-url http://127.0.0.1:8000
#   manage.py ensure_demo_branch --base-url http://127.0.0.1:8000
#   manage.py ensure_demo_im     --base-url http://127.0.0.1:8000
#   manage.py shell < scripts/upgrade_fixture_rows.py   (rows the demo leaves out: card chats with a hand-off,
#       signed IM webhooks with profile facts, calls, segments, reply scripts/samples/suggestions, model-version
#       rows, API tokens, branch tickets and tasks; see that file)
#   VACUUM, then gzip -9n.
# Skipped: train_intent (minutes), train_personality (needs more customers), train_reply_model, build_asr_model,
# train_voice_emotion (their model files are not in the database; version rows are added by the rows script).
#
# Usage: scripts/make-upgrade-fixture.sh COMMIT [OUTPUT]
#   (default OUTPUT tests/fixtures/db_at_<first 7 digits of COMMIT>.sqlite3.gz; ~3 minutes)
# e.g. scripts/make-upgrade-fixture.sh 1792999; scripts/make-upgrade-fixture.sh 13a5c36
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
    sed -n '/^# Usage:/,/^# e.g./p' "$0" >&2
    exit 2
fi
COMMIT=$(git -C "$REPO" rev-parse --verify "$1^{commit}")
PY=$REPO/.venv/bin/python
OUTPUT=$(realpath -m "${2:-$REPO/tests/fixtures/db_at_${COMMIT:0:7}.sqlite3.gz}")
ROWS=$REPO/scripts/upgrade_fixture_rows.py

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/src"
git -C "$REPO" archive "$COMMIT" | tar -x -C "$WORK/src"

# The same environment as the tests: no .env, DEBUG on, the database and every data file in the temporary folder.
export ENV_FILE= DEBUG=true DJANGO_SETTINGS_MODULE=salescard.settings
export DATABASE_URL="sqlite:///$WORK/db.sqlite3" MEDIA_ROOT="$WORK/media" MODEL_DIR="$WORK/models"
export TTS_CACHE_DIR="$WORK/tts" SMS_OUTBOX_FILE="$WORK/sms-outbox.jsonl"
unset REDIS_URL
BASE_URL=http://127.0.0.1:8000
cd "$WORK/src"
manage() { "$PY" manage.py "$@"; }

manage migrate --noinput -v0
manage seed_demo --customers 40
manage seed_faqs
manage install_emotion_model
manage ensure_demo_manager >/dev/null
manage ensure_demo_cards --base-url "$BASE_URL" >/dev/null
manage ensure_demo_branch --base-url "$BASE_URL" >/dev/null
manage ensure_demo_im --base-url "$BASE_URL" >/dev/null
manage shell <"$ROWS"

"$PY" - "$WORK/db.sqlite3" <<'EOF'
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=DELETE")
db.execute("VACUUM")
db.close()
EOF
mkdir -p "$(dirname "$OUTPUT")"
gzip -9n <"$WORK/db.sqlite3" >"$OUTPUT"
echo "Wrote $OUTPUT ($(stat -c %s "$OUTPUT") bytes) from commit $COMMIT."
