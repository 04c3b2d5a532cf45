#!/usr/bin/env bash
# Use the active virtualenv, or make and use .venv; install the given lock file (every
# package pinned with its hashes, pip checks them) and then the project itself, editable, so
# the `ioc` command is there. Prints the path of the Python to use on its last line.
#
# The locks are derived from pyproject.toml, the one list of dependencies:
#   pip-compile --generate-hashes --strip-extras --allow-unsafe -o requirements.txt pyproject.toml
#   pip-compile --generate-hashes --strip-extras --allow-unsafe --extra dev \
#     -o requirements-dev.txt pyproject.toml
set -euo pipefail
req=${1:-requirements.txt}
if [ -n "${VIRTUAL_ENV:-}" ]; then py="$VIRTUAL_ENV/bin/python"
else
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv >&2 || {
      echo "!! cannot make .venv: install python3-venv (apt-get install python3-venv)" >&2; exit 1; }
  fi
  py=.venv/bin/python
fi
stamp=".venv-stamp-$(basename "$req")"
[ -n "${VIRTUAL_ENV:-}" ] && stamp="$VIRTUAL_ENV/.ioc-stamp-$(basename "$req")"
if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing Python packages from $req (first run takes a few minutes)" >&2
  "$py" -m pip install -q --disable-pip-version-check --require-hashes -r "$req" >&2
  "$py" -m pip install -q --disable-pip-version-check --no-deps -e . >&2
  touch "$stamp"
fi
# `make run` (requirements.txt) outside an active virtualenv: make `ioc` work in this shell
# too — a link in ~/.local/bin when that is on PATH, else (as root) in /usr/local/bin, where
# only a link of ours is ever replaced. The test path (requirements-dev.txt) links nothing.
bin=$(cd "$(dirname "$py")" && pwd)
if [ -z "${VIRTUAL_ENV:-}" ] && [ "$(basename "$req")" = requirements.txt ]; then
  case ":$PATH:" in
    *":$HOME/.local/bin:"*) mkdir -p "$HOME/.local/bin" && ln -sfn "$bin/ioc" "$HOME/.local/bin/ioc"
      echo "==> ioc linked into ~/.local/bin" >&2 ;;
    *) if [ "$(id -u)" = 0 ] && [ -d /usr/local/bin ] \
          && { [ -L /usr/local/bin/ioc ] || [ ! -e /usr/local/bin/ioc ]; }; then
         ln -sfn "$bin/ioc" /usr/local/bin/ioc && echo "==> ioc linked into /usr/local/bin" >&2
       else echo "==> the ioc command: $bin/ioc (or: . .venv/bin/activate)" >&2; fi ;;
  esac
fi
echo "$py"
