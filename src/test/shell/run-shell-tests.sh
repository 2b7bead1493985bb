#!/usr/bin/env bash
# Runs every check of the shell scripts and the compose stack that needs no Docker engine:
#   1. shellcheck on every shell script and bats file of the project,
#   2. the compose file validation (compose-config.sh),
#   3. the bats tests of this folder (setup.sh, the compose stack, the image's health check).
# Exits non-zero when any of them fails. Needs the Debian packages shellcheck, bats,
# docker-compose, busybox and python3-yaml; the clean test also needs target/vod-recorder.jar
# (build it first) and Java 21+ (JAVA_HOME).
#
# Usage: src/test/shell/run-shell-tests.sh
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../../.." && pwd)
cd -- "$root"

missing=()
for tool in shellcheck:shellcheck bats:bats docker-compose:docker-compose busybox:busybox; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
/usr/bin/python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if ((${#missing[@]} > 0)); then
  echo "run-shell-tests.sh: missing tools; install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

status=0

echo "== shellcheck"
mapfile -t scripts < <(find . \( -path ./target -o -path ./.git -o -path '*/node_modules' \) -prune -o \
  -type f \( -name '*.sh' -o -name '*.bash' -o -name '*.bats' \) -print | sort)
if shellcheck -x "${scripts[@]}"; then
  echo "shellcheck: ${#scripts[@]} files clean"
else
  status=1
fi

echo "== compose configuration"
bash "$here/compose-config.sh" || status=1

echo "== bats"
tap=$(mktemp)
trap 'rm -f -- "$tap"' EXIT
bats --tap "$here" | tee -- "$tap" || status=1
passed=$(grep -c '^ok ' "$tap" || true)
skipped=$(grep -c '^ok .* # skip' "$tap" || true)
failed=$(grep -c '^not ok ' "$tap" || true)
echo "shell: $((passed - skipped)) passed, $failed failed, $skipped skipped"
((failed == 0)) || status=1

exit "$status"
