#!/usr/bin/env bash
# Makes sure the PostgreSQL (with PostGIS) and Redis that a local run or the tests use accept
# connections on loopback, at the addresses of DATABASE_URL and REDIS_URL (defaults 127.0.0.1:5432 and
# 127.0.0.1:6379, as in server/config/env.ts).
#
# For a service that does not respond it tries, in this order:
#   1. start a Debian cluster or redis-server that is installed here but stopped (needs root);
#   2. `docker compose up` the postgres and redis services of docker-compose.yml with the
#      loopback ports of docker-compose.local.yml (needs a running Docker engine);
#   3. apt-get install postgresql, PostGIS and redis-server and start them (needs root on Debian).
# A freshly installed cluster trusts local TCP connections and gets a superuser role named after
# the current OS user, so the default DATABASE_URL needs no password.
# Then it checks that the PostgreSQL server can load PostGIS and installs the package matching
# the server's major version when it cannot (again root on Debian only).
#
# It never touches a service on another host, and never changes the authentication of a cluster
# it did not install. With --check or --verbose it prints a line on standard output for each
# service that is ready. Without them it prints nothing when all is well. When it cannot fix
# something itself, it prints what to install or start and exits 1.
#
# Usage: scripts/services.sh [--check] [--verbose]
#   --check    only check and explain; never install, start or change anything
#   --verbose  print a line for each service that is ready

set -euo pipefail

readonly DEFAULT_DATABASE_URL='postgres://127.0.0.1:5432/fairport'
readonly DEFAULT_REDIS_URL='redis://127.0.0.1:6379'
readonly WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-90}
REPOSITORY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPOSITORY_ROOT

check_only=false
verbose=false
apt_updated=false
problems=()
ready_services=()

for argument in "$@"; do
  case "$argument" in
    --check) check_only=true ;;
    --verbose) verbose=true ;;
    -h | --help)
      sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "services.sh: unknown option $argument (use --check, --verbose or --help)" >&2
      exit 64
      ;;
  esac
done

say() { printf 'services.sh: %s\n' "$*" >&2; }
problem() { problems+=("$*"); }
ready() { ready_services+=("$*: ready"); }

# ---- URL parsing -------------------------------------------------------------------------------

percent_decode() {
  printf '%b' "${1//%/\\x}"
}

# Splits a URL into url_user, url_password, url_host, url_port and url_path.
parse_url() {
  local rest=${1#*://}
  local authority=${rest%%[/?]*}
  local userinfo=''
  url_path=${rest:${#authority}}
  url_path=${url_path%%\?*}
  url_user=''
  url_password=''

  if [[ $authority == *@* ]]; then
    userinfo=${authority%@*}
    authority=${authority##*@}
    url_user=$(percent_decode "${userinfo%%:*}")
    [[ $userinfo == *:* ]] && url_password=$(percent_decode "${userinfo#*:}")
  fi

  if [[ $authority =~ ^\[([^]]*)\](:([0-9]+))?$ ]]; then
    url_host=${BASH_REMATCH[1]}
    url_port=${BASH_REMATCH[3]}
  elif [[ $authority =~ ^([^:]*)(:([0-9]+))?$ ]]; then
    url_host=${BASH_REMATCH[1]}
    url_port=${BASH_REMATCH[3]}
  else
    say "cannot read host and port from the URL of ${1%%://*}; check DATABASE_URL and REDIS_URL."
    exit 64
  fi
}

is_loopback() {
  [[ $1 == '' || $1 == localhost || $1 == 127.* || $1 == ::1 ]]
}

# ---- probes ------------------------------------------------------------------------------------

# bash's /dev/tcp wants a literal address; an empty host means loopback.
tcp_host() { [[ -z $1 ]] && echo 127.0.0.1 || echo "$1"; }

tcp_open() {
  # shellcheck disable=SC2016 # $0 and $1 expand in the inner shell, which gets them as arguments.
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$(tcp_host "$1")" "$2" 2>/dev/null
}

postgres_is_ready() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$(tcp_host "$pg_host")" -p "$pg_port" -t 3
    return
  fi
  tcp_open "$pg_host" "$pg_port"
}

# Sends PING (after AUTH when the URL has a password) and accepts any Redis reply, because a
# server that replies "-NOAUTH" is running.
redis_responds() {
  # shellcheck disable=SC2016 # $0, $1 and $2 expand in the inner shell, which gets them as arguments.
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    if [ -n "$2" ]; then printf "AUTH %s\r\n" "$2" >&3; read -r -t 2 _ <&3 || exit 1; fi
    printf "PING\r\n" >&3
    read -r -t 2 reply <&3 || exit 1
    case "$reply" in "+"* | "-"*) exit 0 ;; *) exit 1 ;; esac
  ' "$(tcp_host "$redis_host")" "$redis_port" "$redis_password" 2>/dev/null
}

wait_until() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# ---- platform ----------------------------------------------------------------------------------

is_root() { [[ $(id -u) -eq 0 ]]; }
is_debian() { [[ -r /etc/debian_version ]] && command -v apt-get >/dev/null; }
can_install() { ! $check_only && is_root && is_debian; }

docker_engine_runs() {
  command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1 &&
    timeout 10 docker compose version >/dev/null 2>&1
}

apt_install() {
  if ! $apt_updated; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=true
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Prints "version name status" of the Debian cluster configured on the given port, if any.
debian_cluster_on_port() {
  command -v pg_lsclusters >/dev/null || return 0
  pg_lsclusters --no-header 2>/dev/null | awk -v port="$1" '$3 == port { print $1, $2, $4; exit }'
}

# ---- PostgreSQL --------------------------------------------------------------------------------

start_debian_cluster() {
  local version=$1 name=$2
  say "starting PostgreSQL cluster $version/$name on port $pg_port"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
}

# Lets local TCP connections in without a password and makes the OS user a superuser. Only for a
# cluster this script has just installed, which contains no data yet.
open_fresh_cluster() {
  local version=$1 name=$2
  local hba="/etc/postgresql/$version/$name/pg_hba.conf"
  local role=${url_user_pg:-$(id -un)}

  say "letting loopback TCP connections into the new cluster without a password ($hba)"
  sed -i -E 's/^(host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1\/32|::1\/128)[[:space:]]+).*/\1trust/' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload

  if ! su postgres -c "psql -p $pg_port -Atqc \"SELECT 1 FROM pg_roles WHERE rolname = '$role'\"" | grep -q 1; then
    say "creating PostgreSQL superuser role \"$role\""
    su postgres -c "createuser -p $pg_port --superuser '$role'"
  fi
}

install_debian_postgres() {
  apt_install postgresql postgresql-client
  local version
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
  apt_install "postgresql-$version-postgis-3"

  local cluster
  cluster=$(debian_cluster_on_port "$pg_port")
  if [[ -z $cluster ]]; then
    problem "PostgreSQL $version is installed, but its cluster does not use port $pg_port. Create one with: pg_createcluster $version main --port $pg_port --start"
    return 1
  fi
  local name
  read -r version name _ <<<"$cluster"
  start_debian_cluster "$version" "$name"
  open_fresh_cluster "$version" "$name"
}

compose_up() {
  local service=$1
  say "starting $service with docker compose (project fairport-local, loopback ports)"
  # docker-compose.yml requires its secrets even for these two services; throwaway values do.
  FAIRPORT_HOST=localhost \
    ACME_EMAIL=local@example.org \
    POSTGRES_USER=${url_user_pg:-$(id -un)} \
    POSTGRES_DB=${pg_database:-fairport} \
    POSTGRES_PASSWORD=local-development-only \
    SESSION_SECRET=local-development-only-secret \
    ADMIN_PASSWORD=local-development-only \
    docker compose -p fairport-local \
    -f "$REPOSITORY_ROOT/docker-compose.yml" -f "$REPOSITORY_ROOT/docker-compose.local.yml" \
    up -d "$service"
}

postgres_install_hint() {
  cat <<EOF
PostgreSQL does not respond on $(tcp_host "$pg_host"):$pg_port. Start one with PostGIS there, e.g.:
  - with Docker: docker compose -p fairport-local -f docker-compose.yml -f docker-compose.local.yml up -d postgres
    (set FAIRPORT_HOST, ACME_EMAIL, POSTGRES_PASSWORD, SESSION_SECRET and ADMIN_PASSWORD to any value first)
  - on Debian 12 (PostgreSQL 15), as root: apt-get install postgresql postgresql-15-postgis-3
    (elsewhere the PostGIS package must match the PostgreSQL major version), then
    pg_ctlcluster --skip-systemctl-redirect 15 main start
    and give your OS user a role: su postgres -c 'createuser --superuser $(id -un)'
  or set DATABASE_URL to a PostgreSQL server that runs.
EOF
}

ensure_postgres_is_ready() {
  postgres_is_ready && return 0

  if ! is_loopback "$pg_host"; then
    problem "PostgreSQL does not respond on $pg_host:$pg_port. services.sh only starts services on loopback; start that server or change DATABASE_URL."
    return 1
  fi

  local cluster
  cluster=$(debian_cluster_on_port "$pg_port")
  if [[ -n $cluster ]]; then
    local version name status
    read -r version name status <<<"$cluster"
    if ! $check_only && is_root; then
      start_debian_cluster "$version" "$name"
      wait_until postgres_is_ready && return 0
      problem "PostgreSQL cluster $version/$name did not respond within $WAIT_SECONDS s; see /var/log/postgresql/postgresql-$version-$name.log"
      return 1
    fi
    problem "PostgreSQL cluster $version/$name on port $pg_port is $status. Start it as root: pg_ctlcluster --skip-systemctl-redirect $version $name start"
    return 1
  fi

  if ! $check_only && [[ $pg_port == 5432 ]] && docker_engine_runs; then
    compose_up postgres
    wait_until postgres_is_ready && return 0
    problem "the postgres container did not respond on 127.0.0.1:5432 within $WAIT_SECONDS s; see: docker compose -p fairport-local logs postgres"
    return 1
  fi

  if can_install && ! command -v pg_ctlcluster >/dev/null; then
    install_debian_postgres || return 1
    wait_until postgres_is_ready && return 0
    problem "the new PostgreSQL cluster did not respond on port $pg_port within $WAIT_SECONDS s"
    return 1
  fi

  if command -v pg_lsclusters >/dev/null; then
    problem "PostgreSQL is installed here, but no cluster uses port $pg_port. Create one as root with: pg_createcluster <version> main --port $pg_port --start, or point DATABASE_URL at a running server."
    return 1
  fi
  problem "$(postgres_install_hint)"
  return 1
}

psql_maintenance() {
  PGCONNECT_TIMEOUT=5 PGPASSWORD=$url_password_pg psql -w -X -q -A -t \
    -h "$(tcp_host "$pg_host")" -p "$pg_port" -U "${url_user_pg:-$(id -un)}" -d postgres "$@"
}

ensure_psql() {
  command -v psql >/dev/null && return 0
  if can_install; then
    apt_install postgresql-client
    return 0
  fi
  problem "psql is missing, so PostGIS cannot be checked. Install the PostgreSQL client (Debian: apt-get install postgresql-client)."
  return 1
}

# Checks that the role of DATABASE_URL (or the OS user) can log in, and creates it in a local
# Debian cluster when it does not exist.
ensure_postgres_login() {
  local output
  output=$(psql_maintenance -c 'SELECT 1' 2>&1) && return 0
  local role=${url_user_pg:-$(id -un)}
  local cluster
  cluster=$(debian_cluster_on_port "$pg_port")

  # Only the OS user's own role is created; a user named in DATABASE_URL is the operator's choice.
  if [[ -z $url_user_pg && $output == *"role \"$role\" does not exist"* && -n $cluster ]] && ! $check_only && is_root; then
    say "creating PostgreSQL superuser role \"$role\""
    su postgres -c "createuser -p $pg_port --superuser '$role'"
    psql_maintenance -c 'SELECT 1' >/dev/null 2>&1 && return 0
  fi

  problem "PostgreSQL on $(tcp_host "$pg_host"):$pg_port rejects role \"$role\": ${output%%$'\n'*}
  Give that role access, e.g. as root: su postgres -c 'createuser --superuser $role', and either put
  its password in DATABASE_URL (postgres://$role:PASSWORD@host:port/fairport) or trust loopback
  connections in pg_hba.conf (host all all 127.0.0.1/32 trust)."
  return 1
}

ensure_postgis() {
  local available major
  available=$(psql_maintenance -c "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'")
  [[ -n $available ]] && { postgis_version=$available; return 0; }

  major=$(($(psql_maintenance -c 'SHOW server_version_num') / 10000))
  local package="postgresql-$major-postgis-3"

  if [[ -n $(debian_cluster_on_port "$pg_port") ]] && is_loopback "$pg_host" && can_install; then
    apt_install "$package"
    postgis_version=$(psql_maintenance -c "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'")
    [[ -n $postgis_version ]] && return 0
  fi

  problem "PostGIS is not available on PostgreSQL $major at $(tcp_host "$pg_host"):$pg_port. Install it where that server runs, as root on Debian or Ubuntu: apt-get update && apt-get install -y $package (another system: the PostGIS 3 package for PostgreSQL $major; Docker: the postgis/postgis:$major-3.4 image)."
  return 1
}

# ---- Redis -------------------------------------------------------------------------------------

start_redis_server() {
  say "starting redis-server on 127.0.0.1:$redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null
}

ensure_redis_responds() {
  redis_responds && return 0

  if ! is_loopback "$redis_host"; then
    problem "Redis does not respond on $redis_host:$redis_port. services.sh only starts services on loopback; start that server or change REDIS_URL."
    return 1
  fi

  if ! $check_only && is_root && command -v redis-server >/dev/null; then
    start_redis_server
    wait_until redis_responds && return 0
    problem "redis-server did not respond on 127.0.0.1:$redis_port within $WAIT_SECONDS s"
    return 1
  fi

  if ! $check_only && [[ $redis_port == 6379 ]] && docker_engine_runs; then
    compose_up redis
    wait_until redis_responds && return 0
    problem "the redis container did not respond on 127.0.0.1:6379 within $WAIT_SECONDS s; see: docker compose -p fairport-local logs redis"
    return 1
  fi

  if can_install; then
    apt_install redis-server
    start_redis_server
    wait_until redis_responds && return 0
    problem "the new redis-server did not respond on 127.0.0.1:$redis_port within $WAIT_SECONDS s"
    return 1
  fi

  problem "Redis does not respond on 127.0.0.1:$redis_port. Install and start it, e.g. on Debian or Ubuntu as root:
  apt-get install redis-server && redis-server --daemonize yes --bind 127.0.0.1 --port $redis_port --save \"\" --appendonly no
  or with Docker: docker compose -p fairport-local -f docker-compose.yml -f docker-compose.local.yml up -d redis"
  return 1
}

# ---- main --------------------------------------------------------------------------------------

parse_url "${DATABASE_URL:-$DEFAULT_DATABASE_URL}"
pg_host=$url_host
pg_port=${url_port:-5432}
url_user_pg=$url_user
url_password_pg=$url_password
pg_database=${url_path#/}

parse_url "${REDIS_URL:-$DEFAULT_REDIS_URL}"
redis_host=$url_host
redis_port=${url_port:-6379}
redis_password=$url_password

postgis_version=''
if ensure_postgres_is_ready && ensure_psql && ensure_postgres_login && ensure_postgis; then
  ready "PostgreSQL with PostGIS $postgis_version on $(tcp_host "$pg_host"):$pg_port"
fi
if ensure_redis_responds; then
  ready "Redis on $(tcp_host "$redis_host"):$redis_port"
fi

if $check_only || $verbose; then
  for line in "${ready_services[@]}"; do
    printf 'services.sh: %s\n' "$line"
  done
fi

if ((${#problems[@]} > 0)); then
  for message in "${problems[@]}"; do
    say "$message"
  done
  exit 1
fi
