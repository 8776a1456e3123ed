# Two commands do all the set-up on a fresh machine:
#   make        build the sample books into dist/
#   make test   run the whole test suite
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# Tools the tests run that are not Python packages (DAISY Ace), installed by
# npm from the lock file in .tools/ into .tools/node_modules (not committed).
TOOLS  := .tools
ACE    := $(TOOLS)/node_modules/.installed-stamp

.PHONY: all build test clean system tools
all: build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# System packages: EPUBCheck needs a Java runtime; WeasyPrint subsets fonts
# faster with HarfBuzz-Subset; DAISY Ace needs Node.js and a browser (puppeteer
# cannot download its own, so it runs the system's Chromium); Jing checks
# documents against schemas. Installed when missing and we may (root + apt).
system:
	@need=""; \
	command -v java >/dev/null 2>&1 || need="$$need default-jre-headless"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need="$$need libharfbuzz-subset0"; \
	command -v npm >/dev/null 2>&1 || need="$$need nodejs npm"; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	command -v jing >/dev/null 2>&1 || need="$$need jing"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  else echo "please install:$$need" >&2; command -v java >/dev/null || exit 1; fi; \
	fi

# DAISY Ace, the EPUB accessibility checker (tests/ace.py runs it), from the
# lock file; again only when that changes. PUPPETEER_SKIP_DOWNLOAD: puppeteer
# would fetch a browser of its own, which cannot be had here.
tools: system $(ACE)

$(ACE): $(TOOLS)/package.json $(TOOLS)/package-lock.json | system
	@command -v npm >/dev/null || { echo "please install Node.js and npm (for DAISY Ace)" >&2; exit 1; }
	cd $(TOOLS) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

build: $(STAMP)
	$(VENV)/bin/bookmaker build

# mypy first (the package's types; its settings are in pyproject.toml), then
# the suite, whose tests/core/test_house.py also checks the import contracts.
test: $(STAMP) system $(ACE)
	$(PY) -m mypy
	$(PY) -m pytest

clean:
	-$(VENV)/bin/bookmaker clean
