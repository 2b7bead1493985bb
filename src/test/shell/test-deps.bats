#!/usr/bin/env bats
# bin/install-test-deps holds the one list of Debian packages the tests need: the README and .ci/run
# install with it, and every program the tests start is checked by one of its packages.

load test_helper

DEPS=$REPO_ROOT/bin/install-test-deps

@test "--print lists each package once, one a line; --print-checks gives every package a check" {
  run "$DEPS" --print
  [ "$status" -eq 0 ]
  ((${#lines[@]} >= 10))
  for package in "${lines[@]}"; do
    [[ $package =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || { echo "not a package name: '$package'"; return 1; }
  done
  [ "$(printf '%s\n' "${lines[@]}" | sort | uniq -d)" = "" ]
  for package in ffmpeg busybox python3-yaml chromium-driver bats shellcheck docker-compose curl; do
    printf '%s\n' "${lines[@]}" | grep -qx "$package" || { echo "$package is missing"; return 1; }
  done
  [ "$("$DEPS" --print-checks | cut -f1 | uniq)" = "$output" ]
}

@test ".ci/run and the README install with bin/install-test-deps and name no package themselves" {
  grep -qx 'bin/install-test-deps' "$REPO_ROOT/.ci/run"
  grep -q 'bin/install-test-deps' "$REPO_ROOT/README.md"
  for file in "$REPO_ROOT/.ci/run" "$REPO_ROOT/README.md"; do
    if grep -n 'apt-get install\|apt install' "$file" | grep -v openjdk; then
      echo "$file installs packages itself: use bin/install-test-deps"
      return 1
    fi
  done
}

@test "bin/install-test-deps runs apt-get update, then installs the list without recommends" {
  fake=$BATS_TEST_TMPDIR/fake-apt
  mkdir -p "$fake"
  cat >"$fake/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$* DEBIAN_FRONTEND=\$DEBIAN_FRONTEND" >>"$BATS_TEST_TMPDIR/apt.log"
EOF
  chmod +x "$fake/apt-get"
  if ((EUID != 0)); then
    printf '#!/bin/sh\nexec "$@"\n' >"$fake/sudo" # a sudo that lets everything through
    chmod +x "$fake/sudo"
  fi
  run env PATH="$fake:$PATH" "$DEPS"
  [ "$status" -eq 0 ]
  [ "$(cat "$BATS_TEST_TMPDIR/apt.log")" = "apt-get update DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends $("$DEPS" --print | tr '\n' ' ' | sed 's/ $//') DEBIAN_FRONTEND=noninteractive" ]
}

@test "--check names the packages of missing programs and exits 1; a wrong option is exit status 2" {
  run env PATH="$(path_without busybox shellcheck)" "$DEPS" --check
  [ "$status" -eq 1 ]
  [[ $output == *"missing: shellcheck busybox"* ]]
  [[ $output == *"Install them with bin/install-test-deps"* ]]
  run "$DEPS" --bogus
  [ "$status" -eq 2 ]
  [[ $output == *"Usage: bin/install-test-deps"* ]]
}

# Prints the programs the tests start, one a line, as far as the sources show them:
# - absolute paths such as /usr/bin/chromium anywhere in the tests and in the scripts they run,
# - `require NAME` in the bats files,
# - the first word of a command line in the Java and Python tests: ("NAME", "-..." and
#   run(folder, "NAME", "-..." and `== null ? "NAME" :` (a default) in Java, ["NAME"] + ... and ["NAME", "-..." in Python.
# Benchmarks (bench/, *Benchmark.java) have their own needs and are left out.
programs_the_tests_start() {
  local -a sources=("$REPO_ROOT/src/test" "$REPO_ROOT/docker" "$REPO_ROOT/bin" "$REPO_ROOT/setup.sh")
  {
    grep -rhoE --exclude='*Benchmark.java' '(^|[ "'\''(=[])/(usr/)?s?bin/[a-z][a-z0-9.+-]*' "${sources[@]}" |
      sed -E 's|.*/||; s/[.]+$//'
    grep -rhoE '^ *require [a-z][a-z0-9.+-]*' "$REPO_ROOT/src/test/shell" | awk '{ print $2 }'
    grep -rhoE --include='*.java' --exclude='*Benchmark.java' '(\(|run\([^"]+, )"[a-z][a-z0-9.+-]*", "-' \
      "$REPO_ROOT/src/test" | sed -E 's/^.*"([^"]+)", "-$/\1/'
    # a program looked up next to another one unless that is a bare name: == null ? "ffprobe" : ...
    grep -rhoE --include='*.java' 'null \? "[a-z][a-z0-9.+-]*" :' "$REPO_ROOT/src/test" | sed -E 's/^null \? "([^"]+)" :$/\1/'
    grep -rhoE --include='*.py' '\["[a-z][a-z0-9.+-]*"(\] \+|, "-)' "$REPO_ROOT/src/test" | sed -E 's/\["([^"]+)".*/\1/'
  } | sort -u
}

@test "every program the tests start is checked by a package of the list" {
  checks=$("$DEPS" --print-checks | cut -f2 | sed 's|.*/||')
  run programs_the_tests_start
  [ "$status" -eq 0 ]
  # The scan finds the programs it is meant to find ...
  for program in chromium chromedriver ffmpeg ffprobe python3 busybox docker-compose curl; do
    printf '%s\n' "${lines[@]}" | grep -qx "$program" || { echo "the scan misses $program"; return 1; }
  done
  # ... and each is checked, except what every Debian system and the JDK have.
  unchecked=()
  for program in "${lines[@]}"; do
    case $program in env | sh | bash | java | vod-healthcheck | vod-recorder) continue ;; esac
    grep -qx -- "$program" <<<"$checks" || unchecked+=("$program")
  done
  if ((${#unchecked[@]} > 0)); then
    echo "programs the tests start that bin/install-test-deps does not check: ${unchecked[*]}"
    return 1
  fi
}
