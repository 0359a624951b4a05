# docplan: two commands for a fresh machine —  `make demo`  and  `make test`  (see README).
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(VENV)/bin/pip
DEMO   ?= demo-out

.PHONY: install system-deps demo serve test test-fast bench templates clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

system-deps:
	PYTHON=$(PYTHON) bash scripts/install-system-deps.sh

## Render the embedded Østerdalen example to bokmål and nynorsk .docx + PDF in demo-out/
demo: system-deps install
	bash scripts/demo.sh $(PY) $(DEMO)

## Serve the Word add-in and its API on the embedded sample workspace (Ctrl-C to stop)
serve: install
	$(PY) -m docplan serve

## Install everything (system packages, Python, npm) and run the whole test suite
test: system-deps install
	bash scripts/test.sh $(PY)

test-fast: install
	$(PY) -m pytest -q -m "not slow"

bench: install
	$(PY) bench/bench_render.py

templates: install
	$(PY) tools/build_templates.py

clean:
	rm -rf $(VENV) $(DEMO) build dist *.egg-info .pytest_cache test-artifacts
