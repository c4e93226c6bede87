# The two commands: `make run` sets everything up and starts the site with demo data;
# `make test` runs the whole suite (boundaries + pytest, browser tests included).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: assets fonts run setup test test-only lint browser-deps messages migrate demo static worker clean bench-generate bench-roster bench-list bench-hours bench-heartbeat bench-catalog bench-h5p-package bench-h5p-xapi bench-quiz-marking bench-review-assign bench-annual-review bench-certificate-pdf bench-eligibility

run: setup demo
	@echo "Starting http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

setup: $(STAMP) assets fonts messages migrate static

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The H5P player (h5p-standalone) from npm, served from our own static files. Its preinstall hook
# demands yarn, hence --ignore-scripts.
NODE_STAMP := node_modules/.installed
assets: $(NODE_STAMP)
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

messages: $(STAMP)
	$(PY) manage.py compile_translations

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

static: $(STAMP) assets
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: migrate
	$(PY) manage.py seed_demo

# The certificate PDF embeds a CJK TrueType font (reportlab cannot read Noto CJK's CFF .ttc files).
CERT_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@[ -f $(CERT_FONT) ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-wqy-microhei >/dev/null; }

# Debian's chromium drives the browser tests (Playwright never downloads a browser of its own).
browser-deps:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'cjk' || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; }

lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(STAMP) assets fonts browser-deps messages lint test-only

test-only:
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

worker: $(STAMP)
	$(BIN)/celery -A lms worker -l info

clean:
	rm -rf $(VENV) var db.sqlite3*

# Benchmarks (see bench/README.md): PostgreSQL on 127.0.0.1:5432.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lms_bench
bench-generate: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/generate_province.py --teachers 1000000 --fresh

bench-roster: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/roster_import.py --rows 100000

bench-list: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/teacher_list.py

bench-hours: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/hours_totals.py

# wrk drives the heartbeat benchmark (Debian's package, installed like chromium for the browser tests).
bench-heartbeat: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/heartbeat.py

bench-catalog: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/catalog.py

bench-h5p-package: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/h5p_package.py

bench-h5p-xapi: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/h5p_xapi.py

bench-quiz-marking: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/quiz_marking.py

bench-review-assign: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/review_assign.py

bench-annual-review: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/annual_review.py --reuse

# SQLite of its own by default (var/bench_certificate_pdf.sqlite3); DATABASE_URL=… for PostgreSQL.
bench-certificate-pdf: $(STAMP) fonts
	$(PY) bench/certificate_pdf.py

bench-eligibility: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/eligibility.py
