#!/bin/sh
# Scheduled PostgreSQL backups for the `backups` service in docker-compose.yml, which runs it in
# the postgis/postgis image so that pg_dump has the server's major version.
#
# Usage: pg-backup.sh [run|once|check]
#   run    dump now and then every BACKUP_INTERVAL_SECONDS until stopped (default)
#   once   dump once and delete expired dumps
#   check  exit 0 when the newest dump is younger than twice the interval (the health check)
#
# Environment: the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, and
#   BACKUP_DIR               where dumps go, default /backups
#   BACKUP_INTERVAL_SECONDS  seconds between dumps, default 86400 (daily)
#   BACKUP_KEEP_DAYS         days a dump is kept, default 14
#
# Each dump is pg_dump's custom format (restore with pg_restore), written to a temporary name
# and renamed when complete, so a file named *.dump is never a partial dump.
set -eu

backup_dir=${BACKUP_DIR:-/backups}
interval=${BACKUP_INTERVAL_SECONDS:-86400}
keep_days=${BACKUP_KEEP_DAYS:-14}
database=${PGDATABASE:-fairport}

log() {
  printf '%s pg-backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

require_positive_integer() {
  case "$2" in
    '' | *[!0-9]* | 0)
      log "$1=\"$2\" is invalid; use a positive whole number."
      exit 64
      ;;
  esac
}

dump_once() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  target="$backup_dir/$database-$stamp.dump"
  partial="$target.partial"

  if ! pg_dump --format=custom --file="$partial" --dbname="$database"; then
    rm -f "$partial"
    log "pg_dump of database $database failed; the previous dumps are kept."
    return 1
  fi

  mv "$partial" "$target"
  log "wrote $target ($(wc -c < "$target") bytes)"
  prune_expired
}

# Runs only after a successful dump, so the newest good dump is never deleted.
prune_expired() {
  find "$backup_dir" -maxdepth 1 -type f -name "$database-*.dump" -mmin "+$((keep_days * 1440))" \
    -print -delete | while read -r removed; do
    log "deleted expired $removed"
  done
}

check_recent() {
  max_age_minutes=$(((interval * 2 + 59) / 60))
  recent=$(find "$backup_dir" -maxdepth 1 -type f -name "$database-*.dump" -mmin "-$max_age_minutes" | head -n 1)
  if [ -z "$recent" ]; then
    log "no dump of $database in $backup_dir is younger than $max_age_minutes minutes."
    return 1
  fi
}

run_forever() {
  # `sleep & wait` lets the TERM handler run at once when Compose stops the container.
  sleeper=
  trap 'log "stopping"; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' TERM INT
  log "dumping $database every $interval s into $backup_dir, keeping $keep_days days"
  while true; do
    dump_once || true
    sleep "$interval" &
    sleeper=$!
    wait "$sleeper"
  done
}

require_positive_integer BACKUP_INTERVAL_SECONDS "$interval"
require_positive_integer BACKUP_KEEP_DAYS "$keep_days"
mkdir -p "$backup_dir"

case "${1:-run}" in
  run) run_forever ;;
  once) dump_once ;;
  check) check_recent ;;
  *)
    echo "usage: pg-backup.sh [run|once|check]" >&2
    exit 64
    ;;
esac
