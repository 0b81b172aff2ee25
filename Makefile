# Two commands set up a fresh machine: `make train` then `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/clickbait.npz

.PHONY: install train test bench check-corpus clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# `make train EXTRA=mine.csv`: add labelled files (e.g. the answers of `clickbait label`) to the corpus.
# The default model: the settings chosen on RoCliCo dev (training/fit.py DEFAULT_CONFIG, DEFAULT_FEED_PRIOR).
FEED_PRIOR := 0.2
train: $(STAMP)
	$(BIN)/clickbait train data/headlines.csv $(EXTRA) --grid default --feed-prior $(FEED_PRIOR) --out $(MODEL)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m clickbait.training.bench

check-corpus: $(STAMP)
	$(BIN)/python -m clickbait.training.corpus --compare data/headlines.csv
	$(BIN)/python -m clickbait.training.corpus data/headlines.csv

clean:
	rm -rf $(VENV) build *.egg-info
