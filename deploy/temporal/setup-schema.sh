#!/bin/sh
# Temporal's two databases on the stack's PostgreSQL, created on the first run and migrated to the
# schema of the pinned admin-tools image (= server version) on every run: the compose
# `temporal-schema` job, as in Temporal's own compose samples (temporalio/samples-server). Upgrading
# the server means moving both image tags together; this job then applies the new schema versions.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  # `create` fails once the database exists; a real problem (auth, network) fails the next step too.
  sql --db "$db" create || echo "database $db: create failed (it exists already, or the next step says why)"
done
sql --db temporal setup-schema -v 0.0
sql --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
sql --db temporal_visibility setup-schema -v 0.0
sql --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'Temporal schema is current'
