#!/usr/bin/env bash
# The full test suite on real services: installs what is missing (Debian packages, Python
# packages), starts PostgreSQL and Mosquitto when they are not running, then runs
# format check, lint, types, import layers (ruff, mypy, lint-imports) and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
. scripts/services.sh
ensure_debian_packages
ensure_postgres
ensure_mosquitto
py=$(bash scripts/venv.sh requirements-dev.txt | tail -1)
bin=$(dirname "$py")
log "format and lint (ruff)"
"$bin/ruff" format --check .
"$bin/ruff" check .
log "types (mypy)"
"$bin/mypy"
log "layers (import-linter: no upward import, no package cycle)"
"$bin/lint-imports"
log "tests (pytest)"
export IOC_TEST_REQUIRE_SERVICES=${IOC_TEST_REQUIRE_SERVICES:-${CI:+1}}
"$py" -m pytest "$@"
