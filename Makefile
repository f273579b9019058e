# Lao rural e-commerce platform: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAO_VERSION := 8.0
# MailDev, the demo's mail catcher: an SMTP server keeping every e-mail of
# the platform, and their web inbox (scripts/demo/__main__.py, the browser
# journeys)
MAILDEV_VERSION := 3.0.0
MAILDEV := var/npm/maildev-$(MAILDEV_VERSION)/node_modules/.bin/maildev
DEMO_DB ?= demo
MODULES := $(notdir $(wildcard addons/lao_*))
# Test databases are cached per backend and per state of the modules' code
# and catalogues, so a changed field, view or translation never reuses a
# stale cache.
CODE_HASH = $(shell cat $$(find addons -name '*.py' -o -name '*.xml' -o -name '*.cfg' -o -name '*.po' | sort) | sha1sum | cut -c1-12)
BACKEND = $(if $(findstring postgresql,$(TRYTOND_DATABASE__URI)),postgresql,sqlite)
# pytest-xdist workers of make test, each on its own database (conftest.py);
# 0 runs the tests in pytest's own process
TEST_WORKERS ?= $(shell nproc)

.PHONY: install demo test test-postgresql bench clean

# The storefront's message catalogues, compiled from their .po files
STOREFRONT_MO := $(patsubst %.po,%.mo,$(wildcard storefront/translations/*/LC_MESSAGES/messages.po))

install: $(VENV)/.installed var/sao/package/dist var/npm/node_modules/echarts/dist/echarts.min.js \
	$(MAILDEV) $(STOREFRONT_MO)

storefront/translations/%.mo: storefront/translations/%.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

$(VENV)/.installed: requirements.txt $(wildcard addons/*/pyproject.toml)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/pip install -q -r requirements.txt $(foreach m,$(MODULES),-e addons/$(m)) 2>&1 \
		| grep -v '^WARNING: Location' || true
	$(BIN)/python -c 'import trytond.modules.lao_b2b'
	touch $@

var/sao/package/dist:
	mkdir -p var/sao
	cd var/sao && npm pack --silent tryton-sao@$(SAO_VERSION) >/dev/null \
		&& tar xzf tryton-sao-*.tgz \
		&& cd package && npm install --silent --omit=dev --legacy-peer-deps >/dev/null
	test -d $@

# ECharts for the wall screen, served by the storefront itself (no CDN)
ECHARTS_VERSION := 5
var/npm/node_modules/echarts/dist/echarts.min.js:
	mkdir -p var/npm
	cd var/npm && npm install --silent --no-save --no-package-lock \
		echarts@$(ECHARTS_VERSION) >/dev/null
	test -f $@

# MailDev in a folder of its own: npm would prune ECharts' folder of it
$(MAILDEV):
	mkdir -p var/npm/maildev-$(MAILDEV_VERSION)
	npm install --silent --no-save --no-package-lock \
		--prefix var/npm/maildev-$(MAILDEV_VERSION) \
		maildev@$(MAILDEV_VERSION) >/dev/null
	test -x $@

demo: install
	$(BIN)/python -m scripts.demo --database $(DEMO_DB)

# The test cache of this state of the code (tests/cache_lock.py); on
# PostgreSQL, Tryton's cached databases are template databases.
TEST_CACHE = $(CURDIR)/var/cache/$(BACKEND)-$(CODE_HASH)

# Every 5 minutes (cache clean_timeout) Tryton's cache sync takes an
# autocommit connection: on the in-memory SQLite database that is the
# connection of the running test, whose writes would then outlive its
# rollback.  A test run never needs that sync.
test: install
	mkdir -p var/cache
	TRYTOND_CACHE__CLEAN_TIMEOUT=$${TRYTOND_CACHE__CLEAN_TIMEOUT:-86400} \
	DB_NAME=$${DB_NAME:-$(if $(findstring postgresql,$(BACKEND)),test,:memory:)} \
	TRYTOND_DATABASE__URI=$${TRYTOND_DATABASE__URI:-sqlite://} \
	TEST_CACHE=$${TEST_CACHE:-$(TEST_CACHE)} \
	DB_CACHE=$${DB_CACHE:-$(if $(findstring postgresql,$(BACKEND)),postgresql://,$(TEST_CACHE))} \
	TEST_NETWORK=0 \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) \
		tests storefront/tests

test-postgresql:
	TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ $(MAKE) test

bench: install
	mkdir -p var/cache
	DB_CACHE=$${DB_CACHE:-$(CURDIR)/var/cache/$(BACKEND)-$(CODE_HASH)} \
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf var/db var/cache test-artifacts
