#!/usr/bin/env bash
# What `make` needs from the operating system (Debian/Ubuntu), checked and, as root, installed.
#   tools/system_deps.sh lab    Python's venv module (to build .venv)
#   tools/system_deps.sh test   the same, plus Chromium and the DejaVu fonts for the browser tests, and node
#                               (the browser edition's build compiles its Python bytecode in Pyodide under node)
# Not root and something missing: print the one command to run, exit 1. Nothing is ever downloaded
# outside the Debian archive, and no browser is downloaded by a test tool.
set -euo pipefail
need=()
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
if [ "${1:-lab}" = test ]; then
    [ -x /usr/bin/chromium ] || need+=(chromium)
    fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
    command -v node >/dev/null || need+=(nodejs)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}"
else
    echo "Missing system packages: ${need[*]}" >&2
    echo "Install them once with:  sudo apt-get install -y ${need[*]}" >&2
    echo "(then run the make command again)" >&2
    exit 1
fi
