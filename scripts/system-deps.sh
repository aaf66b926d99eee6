#!/usr/bin/env bash
# Debian packages the tests need: a LaTeX engine (pdflatex) and headless Chromium.
# Installs them when missing and running as root; otherwise says what to install
# (the tests that need them skip locally, and fail in CI where SYMGRAD_REQUIRE_ALL=1).
set -euo pipefail
need=()
command -v pdflatex >/dev/null 2>&1 || need+=(texlive-latex-base texlive-latex-recommended)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "note: missing Debian packages: ${need[*]} (install them with apt-get as root);" \
       "the tests that need them will be skipped" >&2
fi
