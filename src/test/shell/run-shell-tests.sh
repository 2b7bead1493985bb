#!/usr/bin/env bash
# Runs every check of the shell scripts and the compose stack that needs no Docker engine:
#   1. shellcheck on every shell script and bats file of the project (also .ci/run and bin/),
#   2. the compose file validation (compose-config.sh),
#   3. the bats tests of this folder (setup.sh, the launcher, the test packages, the compose stack,
#      the image's health check).
# Exits non-zero when any of them fails. Needs the Debian packages of bin/install-test-deps (checked
# first); the tests with the real recorder also need target/vod-recorder.jar (build it first) and
# a Java 21+ that bin/vod-recorder finds (JAVA_HOME, PATH or /usr/lib/jvm).
#
# Usage: src/test/shell/run-shell-tests.sh
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../../.." && pwd)
cd -- "$root"

# The one list of test packages, the one the README and .ci/run install from.
bin/install-test-deps --check

status=0

echo "== shellcheck"
# By name, plus the shell scripts without one: .ci/run and bin/ (shell scripts only).
mapfile -t scripts < <({
  find . \( -path ./target -o -path ./.git -o -path '*/node_modules' \) -prune -o \
    -type f \( -name '*.sh' -o -name '*.bash' -o -name '*.bats' \) -print
  printf '%s\n' ./.ci/run ./bin/*
} | sort)
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
