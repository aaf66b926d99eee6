# symgrad: the two quick-start commands are `make report` and `make test`.
# Both create ./.venv on first use and install what they need.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.symgrad-installed
TORCH  ?= torch==2.13.0
TORCH_INDEX ?=

.PHONY: setup report test lint bench derivations clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# the CPU build of torch (an unpinned torch pulls a multi-GB CUDA build); elsewhere:
	# make test TORCH="torch>=2.1,<3" TORCH_INDEX=https://download.pytorch.org/whl/cpu
	$(PY) -m pip install --quiet '$(TORCH)' $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

setup: $(STAMP)

## the main job on its built-in default: writes symgrad-report/
report: setup
	$(VENV)/bin/symgrad report

## the whole test suite (installs pdflatex and chromium from Debian when run as root)
test: setup
	bash scripts/system-deps.sh
	$(PY) -m ruff check symgrad tests benchmarks docs
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint: setup
	$(PY) -m ruff check symgrad tests benchmarks docs

bench: setup
	$(PY) benchmarks/run_all.py

derivations: setup
	$(VENV)/bin/symgrad derivations --out derivations

clean:
	rm -rf $(VENV) symgrad-report .pytest_cache mutants

## mutation testing of the certified numeric path and the classification verdicts
## (mutmut, configured in pyproject [tool.mutmut]; not part of `make test` or CI; takes
## hours on 2 cores: it resumes where it stopped). Results: docs/mutation.md
mutation: setup
	$(PY) -m pip install --quiet 'mutmut>=3.8,<4'
	$(VENV)/bin/mutmut run --max-children 1; $(VENV)/bin/mutmut results
