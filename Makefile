# Two commands do all the set-up on a fresh machine:
#   make        build the sample books into dist/
#   make test   run the whole test suite
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: all build test clean java
all: build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# EPUBCheck needs a Java runtime; install one when it is missing and we may.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq default-jre-headless; \
	  else echo "EPUBCheck needs Java: install a JRE (e.g. default-jre-headless)" >&2; exit 1; fi; }

build: $(STAMP)
	$(VENV)/bin/bookmaker build

test: $(STAMP) java
	$(PY) -m pytest

clean:
	-$(VENV)/bin/bookmaker clean
