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

# A Java 21+ home: JAVA_HOME when new enough, else a known local JDK; empty when none.
java21_home() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
    /usr/lib/jvm/java-21-openjdk-amd64; do
    [[ -n $candidate && -x $candidate/bin/java ]] || continue
    major=$("$candidate/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
    if [[ $major =~ ^[0-9]+$ ]] && ((major >= 21)); then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
}
