# Two commands do all setup on a fresh machine (Python >= 3.11 with venv):
#   make demo   create .venv, install docgen, run `docgen demo` in this folder
#   make test   also install LibreOffice, fonts, poppler, zbar and PostgreSQL from Debian packages
#               when missing and start PostgreSQL at 127.0.0.1:5432 (tools/install-system-deps.sh),
#               then run the test suite: the register tests run on SQLite and on PostgreSQL
# .ci/run calls `make test`; with CI=true a missing LibreOffice or PostgreSQL fails the tests
# that need them instead of skipping them.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test bench system-deps clean

demo: $(VENV)/.installed
	$(BIN)/docgen demo

test: system-deps $(VENV)/.installed-test
	$(BIN)/pytest

system-deps:
	tools/install-system-deps.sh

bench: $(VENV)/.installed
	$(BIN)/python bench/numbering.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/requests.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/desk.py

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache
