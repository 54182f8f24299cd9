# Ketamine Routes Lab. Two commands on a fresh machine:
#   make lab    set up .venv, copy the course into work/ and open it in JupyterLab
#   make test   set up .venv with the test tools (and Chromium), lint, run every test
# More: make app (projector view), make site (browser edition), make test-fast, make bench,
#       make reset (archive work/ and start from a clean course), make clean.
# Needs Python 3.11+ and make; tools/system_deps.sh installs the rest (or says the one command to run).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8888
APP_PORT ?= 8866
SITE_PORT ?= 8000
WORK ?= work
ARCHIVE ?= work-archive
OFFLINE ?=
# JupyterLab refuses to run as root (containers, CI) unless told it may.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# No "Jupyter news?" pop-up over the notebooks on first start, and the arrow keys reach the explorer's
# sliders (JupyterLab >= 4.1 binds ArrowLeft/Right in command mode to collapsing headings, with a
# selector that also matches a focused slider handle).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
HEADING_KEYS_SELECTOR := .jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus

PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile

# Run the notebooks: shipped without outputs in notebooks/, executed copies in tests/notebook_outputs/ (NB=01 for one).
notebooks: $(VENV)/.installed-lab
	$(PY) tools/execute_notebooks.py $(NB)

.PHONY: notebooks lab app site wheel serve-site test test-fast lint bench reset clean system-lab system-test

system-lab:
	@tools/system_deps.sh lab

system-test:
	@tools/system_deps.sh test

$(PY): | system-lab
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	mkdir -p $(dir $(LAB_SETTINGS))
	printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false},' \
	  '"@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": [' \
	  '{"command": "notebook:move-cursor-heading-above-or-collapse", "keys": ["ArrowLeft"], "disabled": true, "selector": "$(HEADING_KEYS_SELECTOR)"},' \
	  '{"command": "notebook:move-cursor-heading-below-or-expand", "keys": ["ArrowRight"], "disabled": true, "selector": "$(HEADING_KEYS_SELECTOR)"}]}}' \
	  > $(LAB_SETTINGS)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-lab
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# Learners work in $(WORK)/, a copy of notebooks/ (tools/working_copy.py): the course is never modified.
lab: $(VENV)/.installed-lab
	$(PY) tools/working_copy.py sync --course notebooks --work $(WORK)
	$(PY) -m jupyterlab --notebook-dir=$(WORK) --port=$(PORT) $(ROOT_FLAG) $(if $(DISPLAY),,--no-browser)

# App mode for projectors: code hidden, nothing is ever saved, so it runs the shipped course directly.
app: $(VENV)/.installed-lab
	@echo "Landing page:   http://localhost:$(APP_PORT)/"
	@echo "Route explorer: http://localhost:$(APP_PORT)/voila/render/01_route_explorer.ipynb"
	$(PY) -m voila notebooks --port=$(APP_PORT) --classic-tree $(if $(DISPLAY),,--no-browser)

# The browser edition: the course as a static JupyterLite site in $(SITE_DIR)/ (tools/build_site.py), from
# notebooks/ and a wheel of helpers built here. OFFLINE=1 also bundles a verified Pyodide (no CDN needed).
# Its build tools live in their own venv ($(SITE_VENV)): their versions conflict with the lab's.
SITE_DIR ?= site
SITE_CACHE ?= .site-cache
SITE_BIND ?= 127.0.0.1
SITE_VENV := .venv-site
SITE_PY := $(SITE_VENV)/bin/python

$(SITE_VENV)/.installed: tools/site-requirements.txt | system-lab
	$(PYTHON) -m venv $(SITE_VENV)
	$(SITE_PY) -m pip install --quiet -r tools/site-requirements.txt
	touch $@

$(VENV)/.installed-build: $(VENV)/.installed-lab
	$(PY) -m pip install --quiet "build>=1.2"
	touch $@

# The wheel of helpers (the browser edition installs it): rebuilt only when a file it is made from changed.
WHEEL_SOURCES := pyproject.toml README.md LICENSE $(shell find helpers -name '*.py' -o -name '*.toml' | sort)
WHEEL_STAMP := dist/.wheel-built

$(WHEEL_STAMP): $(WHEEL_SOURCES) $(VENV)/.installed-build
	rm -f dist/ketamine_routes_lab-*.whl
	$(PY) -m build --quiet --wheel --outdir dist .
	touch $@

wheel: $(WHEEL_STAMP)

site: $(SITE_VENV)/.installed $(WHEEL_STAMP)
	$(PY) tools/execute_notebooks.py --snapshots $(SITE_CACHE)/snapshots
	$(SITE_PY) tools/build_site.py --notebooks notebooks --wheel dist/ketamine_routes_lab-*.whl \
	  --out $(SITE_DIR) --cache $(SITE_CACHE) --snapshots $(SITE_CACHE)/snapshots $(if $(OFFLINE),--offline)

# SITE_BIND=0.0.0.0 serves other machines on the local network (a classroom without internet).
# Pre-compressed files with Content-Encoding and caching headers (helpers/classroom/serve.py, tornado).
serve-site: $(VENV)/.installed-lab
	$(PY) -m helpers.classroom.serve --site $(SITE_DIR) --port $(SITE_PORT) --bind $(SITE_BIND)

# Archive the working copies (work-archive/<date-time>/) and start again from the shipped course. Refuses
# while JupyterLab still serves $(WORK)/ (its open tabs would save into the fresh copy); FORCE=1 stops it.
reset:
	$(PYTHON) tools/working_copy.py reset --course notebooks --work $(WORK) --archive $(ARCHIVE) $(if $(FORCE),--force)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check helpers tests benchmarks tools

# Both cores (PYTEST_WORKERS=1 for one); the slowest tests are listed at the end.
test: system-test $(VENV)/.installed-test lint
	$(PY) -m pytest $(PYTEST_PARALLEL) --durations=25

# No browser, no site build: the quick loop while changing code.
test-fast: $(VENV)/.installed-test lint
	$(PY) -m pytest $(PYTEST_PARALLEL) --durations=10 -m "not browser and not slow"

bench: $(VENV)/.installed-test system-test
	$(PY) benchmarks/run_benchmarks.py
	$(PY) benchmarks/site_benchmark.py

clean:
	rm -rf $(VENV) $(SITE_VENV) .pytest_cache .hypothesis test-artifacts site .site-cache dist
