# The two commands: `make run` (the whole system) and `make test` (every test).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: run demo test test-fast install lint bench clean translations

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv>=0.9,<1"

# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE set (as on these machines and in
# the image), every process (each test process, each worker and API the tests start) would
# otherwise compile every module it imports from source again.
install: $(UV)
	$(UV) sync --frozen --compile-bytecode
	.venv/bin/python -m compileall -q -j0 api activities workflows models core notifications \
		worker.py bench tests
	.venv/bin/pybabel --quiet compile -d core/translations -D messages

# After changing recipient-facing text: extract it, merge it into the Spanish catalogue (then
# translate what `pybabel` left empty or fuzzy) and compile. tests/test_translations.py checks.
translations: install
	.venv/bin/pybabel --quiet extract -F babel.cfg -k N_ --no-location --omit-header --sort-output \
		-o core/translations/messages.pot .
	.venv/bin/pybabel --quiet update -i core/translations/messages.pot -d core/translations \
		-D messages --ignore-obsolete -w 100
	.venv/bin/pybabel --quiet compile -d core/translations -D messages

run: install
	.venv/bin/python -m core.devrun $(ARGS)

# `override`: a command line's ARGS (make demo ARGS="--port 8001") would replace, not extend, it
demo: override ARGS += --seed-demo
demo: run

test: install
	.venv/bin/python -m tests.run $(ARGS)

lint: install
	.venv/bin/ruff check .

bench: install
	.venv/bin/python -m bench.enrollment

clean:
	rm -rf data .pytest_cache

# The fast ring: every workflow on the time-skipping server with faked activities (~15 s).
test-fast: install
	.venv/bin/python -m pytest -q tests/fast $(ARGS)
