#!/usr/bin/env bash
# Use the active virtualenv, or make and use .venv; install the given requirements file.
# Prints the path of the Python to use on its last line.
set -euo pipefail
req=${1:-requirements.txt}
if [ -n "${VIRTUAL_ENV:-}" ]; then py="$VIRTUAL_ENV/bin/python"
else
  [ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv >&2
  py=.venv/bin/python
fi
stamp=".venv-stamp-$(basename "$req")"
[ -n "${VIRTUAL_ENV:-}" ] && stamp="$VIRTUAL_ENV/.ioc-stamp-$(basename "$req")"
if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing Python packages from $req (first run takes a few minutes)" >&2
  "$py" -m pip install -q --disable-pip-version-check -r "$req" -e . >&2
  touch "$stamp"
fi
echo "$py"
