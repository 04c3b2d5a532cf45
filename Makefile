# Two commands matter: `make run` (the whole IOC on embedded defaults) and `make test`.
.PHONY: run test check fmt messages screenshot clean

run:  ## python app.py in .venv (or the active virtualenv), installing requirements first
	@$$(bash scripts/venv.sh requirements.txt | tail -1) app.py

test:  ## system services + Python packages, then ruff, mypy and pytest on real services
	@bash scripts/test.sh

check:  ## format check, lint, types and import layers in one command
	@py=$$(bash scripts/venv.sh requirements-dev.txt | tail -1); bin=$$(dirname $$py); \
	  $$bin/ruff format --check . && $$bin/ruff check . && $$bin/mypy && $$bin/lint-imports

fmt:  ## format and autofix
	@py=$$(bash scripts/venv.sh requirements-dev.txt | tail -1); bin=$$(dirname $$py); \
	  $$bin/ruff format . && $$bin/ruff check --fix .

messages:  ## after editing the Vietnamese catalogue: template ioc/locale/ioc.pot, new keys into the English one
	@py=$$(bash scripts/venv.sh requirements-dev.txt | tail -1); bin=$$(dirname $$py); \
	  $$py scripts/po_template.py && \
	  $$bin/pybabel update -i ioc/locale/ioc.pot -d ioc/locale -D ioc -l en --no-fuzzy-matching

screenshot:  ## photograph every page at wall (1920x1080, the wall also 4K) and phone size into docs/img
	@py=$$(bash scripts/venv.sh requirements-dev.txt | tail -1); $$py scripts/screenshot.py

clean:
	rm -rf var .venv .venv-stamp-* .mypy_cache .ruff_cache .pytest_cache
