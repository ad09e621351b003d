# Two commands do all setup on a fresh machine (Python >= 3.11 with venv):
#   make demo   create .venv, install docgen, run `docgen demo` in this folder
#   make test   also install LibreOffice, fonts, poppler, zbar and PostgreSQL from Debian packages
#               when missing and start PostgreSQL at 127.0.0.1:5432 (tools/install-system-deps.sh),
#               then run the test suite: the register tests run on SQLite and on PostgreSQL
# .ci/run calls `make test`; with CI=true a missing LibreOffice or PostgreSQL fails the tests
# that need them instead of skipping them.
#   make mutate mutation testing (mutmut) of the modules that carry the promises, listed with their
#               tests under [tool.mutmut] in pyproject.toml; prints the surviving mutants at the end

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test bench mutate system-deps clean

demo: $(VENV)/.installed
	$(BIN)/docgen demo

# Two test processes (pytest-xdist), one per core of the machines this runs on: the suite waits on
# LibreOffice, PostgreSQL and child processes much of the time. The slowest tests are listed at the end.
test: system-deps $(VENV)/.installed-test
	$(BIN)/pytest -n 2 --durations=15

# A fresh run each time (mutants/ removed first): a survivor list from stale results proves nothing.
# One child at a time: the machines this runs on have two cores shared with other work.
# MUTANTS narrows the run to some modules or functions: make mutate MUTANTS='docgen.desk.*'
mutate: $(VENV)/.installed-mutate
	rm -rf mutants
	$(BIN)/mutmut run --max-children 1 $(foreach m,$(MUTANTS),'$(m)')
	@echo "Mutan yang selamat (survived/timeout/no tests); 'mutmut show NAMA' memperlihatkan perubahannya:"
	@$(BIN)/mutmut results

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

$(VENV)/.installed-mutate: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache mutants
