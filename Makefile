# The two commands: `make run` (the whole system) and `make test` (every test).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: run demo test test-fast install lint bench clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv>=0.9,<1"

install: $(UV)
	$(UV) sync --frozen

run: install
	.venv/bin/python -m core.devrun $(ARGS)

demo: ARGS += --seed-demo
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
