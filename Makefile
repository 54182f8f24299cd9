# Ketamine Routes Lab: `make lab` opens the notebooks, `make test` runs every test.
# Needs only Python 3.11+ and make; everything else goes into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8888
APP_PORT ?= 8866
# JupyterLab refuses to run as root (containers, CI) unless told it may.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test bench app clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-lab

lab: $(VENV)/.installed-lab
	$(PY) -m jupyterlab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG) \
		$(if $(DISPLAY),,--no-browser)

# App mode for projectors: code hidden. Landing page lists every notebook's app view.
app: $(VENV)/.installed-lab
	@echo "Landing page:   http://localhost:$(APP_PORT)/"
	@echo "Route explorer: http://localhost:$(APP_PORT)/voila/render/01_route_explorer.ipynb"
	$(PY) -m voila notebooks --port=$(APP_PORT) --classic-tree $(if $(DISPLAY),,--no-browser)

test: $(VENV)/.installed-test
	$(PY) -m pytest

bench: $(VENV)/.installed-test
	$(PY) benchmarks/run_benchmarks.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
