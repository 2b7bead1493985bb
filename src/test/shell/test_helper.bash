# shellcheck shell=bash
# Shared helpers of the bats tests in this folder.

REPO_ROOT=$(cd -- "$BATS_TEST_DIRNAME/../../.." && pwd)
export REPO_ROOT

# Copies what setup.sh needs into a fresh project folder; prints its path.
make_project() {
  local dir=${1:-$BATS_TEST_TMPDIR/project}
  mkdir -p -- "$dir"
  cp -- "$REPO_ROOT/setup.sh" "$REPO_ROOT/.env.example" "$REPO_ROOT/docker-compose.yml" \
    "$REPO_ROOT/docker-compose.secrets.yml" "$REPO_ROOT/mediamtx.yml" "$dir/"
  mkdir -p -- "$dir/bin"
  cp -- "$REPO_ROOT/bin/vod-recorder" "$dir/bin/"
  printf '%s\n' "$dir"
}

# Prints a PATH without the given programs (by default the Docker ones), to run a command "on a
# machine without" them: each PATH folder holding one of them is replaced by a folder of links to
# its other programs.
path_without() {
  local excluded=("$@") entry name shadow new_path=
  ((${#excluded[@]} > 0)) || excluded=(docker docker-compose dockerd)
  local -a entries targets
  IFS=: read -r -a entries <<<"$PATH"
  for entry in "${entries[@]}"; do
    [[ -d $entry ]] || continue
    shadow=
    for name in "${excluded[@]}"; do
      [[ -e $entry/$name ]] && shadow=yes
    done
    if [[ -n $shadow ]]; then
      shadow=$(mktemp -d "$BATS_TEST_TMPDIR/path.XXXXXX")
      targets=()
      for name in "$entry"/*; do
        [[ " ${excluded[*]} " == *" ${name##*/} "* ]] || targets+=("$name")
      done
      ((${#targets[@]} == 0)) || ln -s -t "$shadow" -- "${targets[@]}"
      entry=$shadow
    fi
    new_path+=${new_path:+:}$entry
  done
  printf '%s\n' "$new_path"
}

# Names assigned in an env file, commented out (`# NAME=`) or not, one per line, sorted.
env_names() {
  sed -n -E 's/^#? ?([A-Z][A-Z0-9_]*)=.*/\1/p' "$1" | sort -u
}

# Value of NAME in an env file (its last uncommented assignment).
env_get() {
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

# The home of the Java 21+ that bin/vod-recorder takes (JAVA_HOME, PATH, /usr/lib/jvm); empty
# when there is none.
java21_home() {
  local java
  java=$("$REPO_ROOT/bin/vod-recorder" --print-java 2>/dev/null) || return 0
  java=$(readlink -f -- "$java")
  printf '%s\n' "${java%/bin/java}"
}

# Makes folder $1 a JAVA_HOME whose bin/java reports version $2 (FAKE_JAVA_VERSION, when set, wins)
# to -version, and otherwise logs its working directory, process id and arguments to FAKE_JAVA_LOG
# and exits with FAKE_JAVA_EXIT (default 0). Prints the folder.
fake_java_home() {
  local dir=${1:-$BATS_TEST_TMPDIR/fake-java} version=${2:-21.0.6}
  mkdir -p -- "$dir/bin"
  cat >"$dir/bin/java" <<EOF
#!/usr/bin/env bash
if [[ \${1:-} == -version ]]; then
  printf 'openjdk version "%s" 2025-01-21\n' "\${FAKE_JAVA_VERSION:-$version}" >&2
  exit 0
fi
{ printf 'cwd=%s\n' "\$PWD"; printf 'pid=%s\n' "\$\$"; printf 'arg=%s\n' "\$@"; } >"\$FAKE_JAVA_LOG"
exit "\${FAKE_JAVA_EXIT:-0}"
EOF
  chmod +x "$dir/bin/java"
  printf '%s\n' "$dir"
}

# Sets jar and java_home for a test with the real recorder: the build's target/vod-recorder.jar and
# the Java 21+ that bin/vod-recorder takes. The tests do not depend on the order of the build steps:
# they skip when the jar is not built yet, except in CI (CI=true), where the build comes first and
# a missing jar is an error.
require_recorder_jar() {
  jar=$REPO_ROOT/target/vod-recorder.jar
  if [[ ! -f $jar ]]; then
    if [[ ${CI:-} == true ]]; then
      echo "target/vod-recorder.jar is missing in CI: build it (./mvnw -B package) before these tests"
      return 1
    fi
    skip "target/vod-recorder.jar is not built (./mvnw -B package -DskipTests)"
  fi
  java_home=$(java21_home)
  [ -n "$java_home" ] || { echo "no Java 21+ found (set JAVA_HOME)"; return 1; }
}

# Declares that the test runs program $1, which must be one that bin/install-test-deps checks (else
# the test fails, wherever it runs). When it is not installed, the test fails in CI and is skipped
# elsewhere, naming the Debian package.
require() {
  local package
  package=$("$REPO_ROOT/bin/install-test-deps" --print-checks | awk -v program="$1" '$2 == program { print $1; exit }')
  if [[ -z $package ]]; then
    echo "$1 is not in the list of bin/install-test-deps: add it with its Debian package"
    return 1
  fi
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ ${CI:-} == true ]]; then
    echo "$1 is not installed (Debian package $package; bin/install-test-deps installs it)"
    return 1
  fi
  skip "$1 is not installed (Debian package $package; bin/install-test-deps installs it)"
}
