#!/usr/bin/env bash
# Functions that make sure the real services the tests talk to are installed and running:
# PostgreSQL with PostGIS, Mosquitto, Chromium (and ffmpeg, which encodes the camera
# benchmark's H.264 streams). Sourced by scripts/test.sh.
# On Debian as root it installs what is missing; elsewhere it says what to install.

# runuser, pg_ctlcluster and apt's helpers live in sbin, which a login shell's PATH may leave out.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }

apt_lists_ready() { [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; }

# The PostgreSQL major version: the one installed, else the one this Debian release ships
# (the version the `postgresql` package depends on), else 15.
pg_major() {
  if command -v pg_config >/dev/null 2>&1; then pg_config --version | sed -E 's/[^0-9]*([0-9]+).*/\1/'
  elif [ -n "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then ls /usr/lib/postgresql | sort -n | tail -1
  else
    local shipped=""
    command -v apt-cache >/dev/null 2>&1 && shipped=$(apt-cache depends postgresql 2>/dev/null \
      | sed -nE 's/.*Depends: postgresql-([0-9]+)$/\1/p' | head -1)
    echo "${shipped:-15}"
  fi
}

missing_debian_packages() {
  local major; major=$(pg_major)
  local wanted=(make python3-venv postgresql "postgresql-${major}-postgis-3" mosquitto chromium
    fonts-dejavu-core poppler-utils ffmpeg)
  local pkg
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

ensure_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { warn "not Debian: install make, python3-venv, PostgreSQL+PostGIS, Mosquitto and Chromium yourself"; return 0; }
  # A fresh machine has no package lists: read them first so the release's PostgreSQL is known.
  if [ "$(id -u)" = 0 ] && ! apt_lists_ready; then apt-get update -qq; fi
  local missing; missing=$(missing_debian_packages | tr '\n' ' ')
  [ -z "${missing// /}" ] && { log "system packages present"; return 0; }
  if [ "$(id -u)" != 0 ]; then
    warn "missing Debian packages: $missing (run: sudo apt-get install $missing)"; return 0
  fi
  log "installing Debian packages: $missing"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

ensure_postgres() {
  if ! port_open 127.0.0.1 5432; then
    if command -v pg_lsclusters >/dev/null 2>&1; then
      local ver; ver=$(pg_lsclusters -h | awk 'NR==1{print $1}')
      if [ -z "$ver" ] && [ "$(id -u)" = 0 ]; then
        ver=$(pg_major); pg_createcluster "$ver" main >/dev/null
        touch "/etc/postgresql/$ver/main/.ioc-test-cluster"  # ours: we may set its password
      fi
      log "starting PostgreSQL $ver"
      pg_ctlcluster --skip-systemctl-redirect "$ver" main start || warn "could not start PostgreSQL"
    fi
  fi
  for _ in $(seq 1 30); do port_open 127.0.0.1 5432 && break; sleep 1; done
  port_open 127.0.0.1 5432 || { warn "PostgreSQL is not listening on 127.0.0.1:5432"; return 0; }
  ensure_test_login
  log "PostgreSQL ready on 127.0.0.1:5432"
}

# How the tests log in. Never change the password of a server this script did not set up:
# an IOC_TEST_DATABASE_URL given is used as it is; postgres/postgres over TCP (or trust) is
# used when it works; a cluster this script created gets that password; on any other server
# root makes (once) a role of the tests' own and points IOC_TEST_DATABASE_URL at it.
ensure_test_login() {
  [ -n "${IOC_TEST_DATABASE_URL:-}" ] && return 0
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -qtAc 'select 1' >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    warn "cannot log in to PostgreSQL as postgres/postgres; set IOC_TEST_DATABASE_URL"; return 0
  fi
  if ls /etc/postgresql/*/main/.ioc-test-cluster >/dev/null 2>&1; then
    runuser -u postgres -- psql -qc "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null; return 0
  fi
  local exists
  exists=$(runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'ioc_test'")
  if [ "$exists" != 1 ]; then
    log "creating the PostgreSQL role ioc_test for the tests (the server's own roles untouched)"
    runuser -u postgres -- psql -qc "CREATE ROLE ioc_test LOGIN SUPERUSER PASSWORD 'ioc_test'" >/dev/null
  fi
  export IOC_TEST_DATABASE_URL="postgresql+psycopg://ioc_test:ioc_test@127.0.0.1:5432/postgres"
}

ensure_mosquitto() {
  if ! port_open 127.0.0.1 1883 && command -v mosquitto >/dev/null 2>&1; then
    log "starting Mosquitto"
    if [ -f /etc/mosquitto/mosquitto.conf ]; then mosquitto -d -c /etc/mosquitto/mosquitto.conf
    else mosquitto -d; fi
  fi
  for _ in $(seq 1 20); do port_open 127.0.0.1 1883 && break; sleep 0.5; done
  port_open 127.0.0.1 1883 && log "Mosquitto ready on 127.0.0.1:1883" || warn "Mosquitto is not listening on 1883"
}
