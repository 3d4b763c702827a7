# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLEET := examples/seed-fleet

.PHONY: demo test test-fast new-case bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.demo: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# fixer exits 1 when it finds something, which is the point of the demo.
demo: $(VENV)/.demo
	@echo "== fixer report $(FLEET)"
	@$(BIN)/fixer report $(FLEET)
	@echo "== fixer check $(FLEET)"
	@$(BIN)/fixer check $(FLEET) || [ $$? -eq 1 ]
	@echo "== fixer fix $(FLEET) (dry run: the diff it would apply; nothing is written)"
	@$(BIN)/fixer fix $(FLEET) || [ $$? -eq 1 ]

test: $(VENV)/.test
	$(BIN)/python -m pytest -q

# The inner loop: everything but the tests marked slow (real servers and tools, the Compose
# binary, git branches and pushes, the whole seed fleet on disk, fresh interpreters,
# hypothesis), on every core. Bytecode is cached under .pytest_cache even where the
# environment turns writing it off: collecting then takes a second instead of five. CI runs
# `make test`.
test-fast: $(VENV)/.test
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/.pytest_cache/pycache \
		$(BIN)/python -m pytest -q -m "not slow" -n auto

# make new-case CODE=P001 NAME=published-port-moves
new-case: $(VENV)/.test
	$(BIN)/python tests/new_case.py $(CODE) $(NAME)

# dclint comes from npm; without npm the benchmark measures the rest and says dclint was skipped.
# BENCH_ARGS passes options through, e.g. make bench BENCH_ARGS="--sizes 100,1000 --skip-branch".
bench: $(VENV)/.test
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-save --prefix bench dclint@3 || echo "npm install dclint failed: dclint is skipped"; \
	else echo "npm not found: dclint is skipped"; fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

docs: $(VENV)/.demo
	$(BIN)/python -m fixer.app.ruledocs > docs/rules.md

clean:
	rm -rf $(VENV)
