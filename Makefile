# Two set-up commands: `make run` and `make test`. Both create .venv and install the
# pinned requirements when needed (re-installing only when requirements.txt changes).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench screenshot clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

# Compile every playground model once into the on-disk cache, so the first launch is fast.
$(VENV)/.warmed: $(STAMP)
	-$(PY) main.py warm-cache
	touch $@

run: $(STAMP) $(VENV)/.warmed
	$(PY) main.py $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS)

$(VENV)/.bench-installed: $(STAMP) requirements-bench.txt
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench-installed
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) main.py screenshot --out resources/screenshots

clean:
	rm -rf $(VENV) .pytest_cache
