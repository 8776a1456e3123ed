# Two commands do all the set-up on a fresh machine:
#   make        build the sample books into dist/
#   make test   run the whole test suite
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: all build test clean system
all: build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# System packages: EPUBCheck needs a Java runtime; WeasyPrint subsets fonts
# faster with HarfBuzz-Subset. Installed when missing and we may (root + apt).
system:
	@need=""; \
	command -v java >/dev/null 2>&1 || need="$$need default-jre-headless"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need="$$need libharfbuzz-subset0"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq $$need >/dev/null; \
	  else echo "please install:$$need" >&2; command -v java >/dev/null || exit 1; fi; \
	fi

build: $(STAMP)
	$(VENV)/bin/bookmaker build

test: $(STAMP) system
	$(PY) -m pytest

clean:
	-$(VENV)/bin/bookmaker clean
