# Shared set-up for scripts/demo and scripts/test: a .venv with the project installed (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"

setup_venv() {  # setup_venv [extra]: create .venv if missing and install the project (with an extra)
  local extra="${1:-}"
  if [ ! -x .venv/bin/python ]; then
    echo "Tạo môi trường Python .venv ..."
    "$PYTHON" -m venv .venv
  fi
  local spec="."
  [ -n "$extra" ] && spec=".[${extra}]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
}

apt_install() {  # apt_install PKG...: install Debian packages (as root, or through sudo)
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "Cần quyền root để cài: $*" >&2; return 1; fi
  fi
  echo "Cài gói Debian: $* ..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
