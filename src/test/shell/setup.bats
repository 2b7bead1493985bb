#!/usr/bin/env bats
# Tests of setup.sh that need no Docker engine. Docker's absence is simulated with a PATH whose
# folders hold links to every program except docker / docker-compose; Docker and Compose themselves are replaced by
# small hand-written fakes where a test needs them to answer.

# Each test runs in its own subshell, so variables set in a test stay there (SC2030/SC2031); the
# scripts given to `bash -c` are in single quotes on purpose and take their values as arguments (SC2016);
# jar and java_home are set by require_recorder_jar of test_helper.bash (SC2154).
# shellcheck disable=SC2030,SC2031,SC2016,SC2154

load test_helper

GENERATED=(MINIO_ROOT_PASSWORD S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY MEDIAMTX_API_PASSWORD HOOK_TOKEN)

setup_file() {
  # One PATH without Docker for the whole file.
  NO_DOCKER_PATH=$(BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR path_without docker docker-compose dockerd)
  export NO_DOCKER_PATH
}

# Runs setup.sh of PROJECT with a PATH without Docker and an environment free of the caller's settings.
run_setup() {
  run env -u TEST_DURATION -u JAVA_HOME -u VOD_RECORDER_JAR PATH="$NO_DOCKER_PATH" \
    bash "$PROJECT/setup.sh" "$@"
}

# A folder with a fake `docker` that answers --version, `compose version`, and `info` (exit status
# FAKE_INFO_EXIT, default 0), and logs every other call with its working directory to FAKE_DOCKER_LOG.
# FAKE_COMPOSE_PLUGIN=no makes `docker compose` unknown, as on a machine with only docker-compose v1.
fake_docker_dir() {
  local dir=$BATS_TEST_TMPDIR/fake-docker
  mkdir -p "$dir"
  cat >"$dir/docker" <<'EOF'
#!/usr/bin/env bash
case ${1:-} in
  --version) echo "Docker version 99.0.0, build fake" ;;
  info) exit "${FAKE_INFO_EXIT:-0}" ;;
  compose)
    if [[ ${FAKE_COMPOSE_PLUGIN:-yes} != yes ]]; then
      echo "docker: 'compose' is not a docker command." >&2
      exit 1
    fi
    if [[ ${2:-} == version ]]; then echo "Docker Compose version v2.99.0-fake"; exit 0; fi
    echo "$PWD :: docker $*" >>"$FAKE_DOCKER_LOG" ;;
  *) echo "$PWD :: docker $*" >>"$FAKE_DOCKER_LOG" ;;
esac
EOF
  cat >"$dir/docker-compose" <<'EOF'
#!/usr/bin/env bash
if [[ ${1:-} == version ]]; then echo "docker-compose version 1.99.0-fake"; exit 0; fi
echo "$PWD :: docker-compose $*" >>"$FAKE_DOCKER_LOG"
EOF
  chmod +x "$dir/docker" "$dir/docker-compose"
  printf '%s\n' "$dir"
}

setup() {
  PROJECT=$(make_project)
}

@test "help lists every command and exits 0" {
  run_setup help
  [ "$status" -eq 0 ]
  for command in setup start stop logs health test clean menu help; do
    [[ $output == *"  $command"* ]] || { echo "help does not mention '$command'"; return 1; }
  done
}

@test "without a command setup.sh prints the help" {
  run_setup
  [ "$status" -eq 0 ]
  [[ $output == *"Usage: ./setup.sh COMMAND"* ]]
}

@test "an unknown command is a usage error with exit status 2" {
  run_setup frobnicate
  [ "$status" -eq 2 ]
  [[ $output == *"unknown command 'frobnicate'"* ]]
}

@test "setup writes a complete .env: every variable of .env.example, generated secrets, private mode" {
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  [[ $output == *"Created .env"* ]]
  [ -f "$PROJECT/.env" ]

  diff <(env_names "$PROJECT/.env.example") <(env_names "$PROJECT/.env")
  [ "$(stat -c %a "$PROJECT/.env")" = 600 ]
  for name in "${GENERATED[@]}"; do
    value=$(env_get "$PROJECT/.env" "$name")
    [[ $value =~ ^[0-9A-Fa-f]{20,}$ ]] || { echo "$name='$value' is not a generated value"; return 1; }
  done
  if grep -q '=change-me' "$PROJECT/.env"; then echo "a placeholder is left in .env"; return 1; fi
  # Everything else is copied as it is.
  [ "$(env_get "$PROJECT/.env" S3_ENDPOINT_URL)" = "http://minio:9000" ]
  [ "$(env_get "$PROJECT/.env" MEDIAMTX_API_URL)" = "http://mediamtx:9997" ]
  [ -d "$PROJECT/recordings" ]
  [ "$(stat -c %a "$PROJECT/secrets")" = 700 ]
}

@test "setup generates different credentials each time" {
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  first=$PROJECT
  PROJECT=$(make_project "$BATS_TEST_TMPDIR/second")
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  for name in "${GENERATED[@]}"; do
    a=$(env_get "$first/.env" "$name")
    b=$(env_get "$PROJECT/.env" "$name")
    [ -n "$a" ] && [ -n "$b" ]
    [ "$a" != "$b" ] || { echo "$name is the same in both runs"; return 1; }
  done
}

@test "setup never overwrites an existing .env" {
  printf 'MY_OWN=1\nHOOK_TOKEN=mine\n' >"$PROJECT/.env"
  before=$(sha256sum <"$PROJECT/.env")
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  [[ $output == *"Kept the existing .env"* ]]
  [ "$(sha256sum <"$PROJECT/.env")" = "$before" ]

  rm "$PROJECT/.env"
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  generated=$(sha256sum <"$PROJECT/.env")
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  [ "$(sha256sum <"$PROJECT/.env")" = "$generated" ]
  [ "$(find "$PROJECT" -maxdepth 1 -name '.env.tmp.*' | wc -l)" -eq 0 ]
}

@test "setup generates credentials from /dev/urandom when openssl is missing" {
  run env PATH="$(path_without docker docker-compose dockerd openssl)" bash "$PROJECT/setup.sh" setup --no-docker
  [ "$status" -eq 0 ]
  for name in "${GENERATED[@]}"; do
    [[ $(env_get "$PROJECT/.env" "$name") =~ ^[0-9A-Fa-f]{20,}$ ]]
  done
  [ "$(env_get "$PROJECT/.env" HOOK_TOKEN | wc -c)" -eq 65 ]
}

@test "without Docker every Docker command fails with a clear message and exit status 1" {
  for command in setup start stop logs health test; do
    run_setup "$command"
    [ "$status" -eq 1 ] || { echo "$command: exit status $status"; return 1; }
    [[ $output == *"Docker is not installed: there is no 'docker' command on the PATH."* ]] ||
      { echo "$command: $output"; return 1; }
    [[ $output == *"docs/DEPLOYMENT.md"* ]]
  done
  [ ! -e "$PROJECT/.env" ]
}

@test "with docker but no Compose, setup says that Compose is missing" {
  fake=$(fake_docker_dir)
  run env FAKE_COMPOSE_PLUGIN=no PATH="$fake:$NO_DOCKER_PATH" bash -c 'rm "$1/docker-compose"; bash "$2/setup.sh" setup' _ "$fake" "$PROJECT"
  [ "$status" -eq 1 ]
  [[ $output == *"Docker Compose is not installed"* ]]
}

@test "setup only warns when the Docker engine is not running; start refuses with a clear message" {
  fake=$(fake_docker_dir)
  export FAKE_DOCKER_LOG=$BATS_TEST_TMPDIR/docker.log FAKE_INFO_EXIT=1
  run env PATH="$fake:$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" setup
  [ "$status" -eq 0 ]
  [[ $output == *"the Docker engine is not reachable"* ]]
  [[ $output == *"Compose: docker compose"* ]]
  [ -f "$PROJECT/.env" ]
  run env PATH="$fake:$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" start
  [ "$status" -eq 1 ]
  [[ $output == *"The Docker engine is not reachable"* ]]
  [ ! -e "$FAKE_DOCKER_LOG" ]
}

@test "start and stop drive Compose v2 from the project folder" {
  fake=$(fake_docker_dir)
  export FAKE_DOCKER_LOG=$BATS_TEST_TMPDIR/docker.log
  run env PATH="$fake:$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" setup
  [ "$status" -eq 0 ]
  run env PATH="$fake:$NO_DOCKER_PATH" bash -c 'cd / && bash "$1/setup.sh" start && bash "$1/setup.sh" stop' _ "$PROJECT"
  [ "$status" -eq 0 ]
  [[ $output == *"http://localhost:8080/"* ]]
  [ "$(cat "$FAKE_DOCKER_LOG")" = "$PROJECT :: docker compose up -d --build
$PROJECT :: docker compose down" ]
}

@test "start and stop fall back to docker-compose v1 when there is no Compose plugin" {
  fake=$(fake_docker_dir)
  export FAKE_DOCKER_LOG=$BATS_TEST_TMPDIR/docker.log FAKE_COMPOSE_PLUGIN=no
  run_setup setup --no-docker
  run env PATH="$fake:$NO_DOCKER_PATH" bash -c 'bash "$1/setup.sh" start && bash "$1/setup.sh" stop' _ "$PROJECT"
  [ "$status" -eq 0 ]
  [ "$(cat "$FAKE_DOCKER_LOG")" = "$PROJECT :: docker-compose up -d --build
$PROJECT :: docker-compose down" ]
}

@test "start refuses an .env that still has change-me placeholders" {
  fake=$(fake_docker_dir)
  export FAKE_DOCKER_LOG=$BATS_TEST_TMPDIR/docker.log
  cp "$PROJECT/.env.example" "$PROJECT/.env"
  run env PATH="$fake:$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" start
  [ "$status" -eq 1 ]
  [[ $output == *"change-me"* ]]
  [ ! -e "$FAKE_DOCKER_LOG" ]
}

@test "start without .env asks for setup first" {
  fake=$(fake_docker_dir)
  export FAKE_DOCKER_LOG=$BATS_TEST_TMPDIR/docker.log
  run env PATH="$fake:$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" start
  [ "$status" -eq 1 ]
  [[ $output == *"run './setup.sh setup' first"* ]]
}

@test "menu driven by piped input runs a choice and quits on q" {
  run bash -c 'printf "8\nq\n" | PATH="$1" bash "$2/setup.sh" menu' _ "$NO_DOCKER_PATH" "$PROJECT"
  [ "$status" -eq 0 ]
  [[ $output == *"1) setup"* ]]
  [[ $output == *"Usage: ./setup.sh COMMAND"* ]]
  [[ $output == *"Bye."* ]]
}

@test "menu ends cleanly at the end of its input, also in the middle of a question" {
  run bash -c 'printf "help\n" | PATH="$1" bash "$2/setup.sh" menu' _ "$NO_DOCKER_PATH" "$PROJECT"
  [ "$status" -eq 0 ]
  [[ $output == *"Bye."* ]]
  run bash -c 'printf "6\n" | PATH="$1" bash "$2/setup.sh" menu' _ "$NO_DOCKER_PATH" "$PROJECT"
  [ "$status" -eq 0 ]
  [[ $output == *"Stream name [test]"* ]]
  [[ $output == *"Bye."* ]]
  run bash -c 'PATH="$1" bash "$2/setup.sh" menu </dev/null' _ "$NO_DOCKER_PATH" "$PROJECT"
  [ "$status" -eq 0 ]
}

@test "menu survives a failing action and an unknown choice" {
  run bash -c 'printf "1\nnonsense\n8\nq\n" | PATH="$1" bash "$2/setup.sh" menu' _ "$NO_DOCKER_PATH" "$PROJECT"
  [ "$status" -eq 0 ]
  [[ $output == *"Docker is not installed"* ]]
  [[ $output == *"'setup' failed (exit status 1)"* ]]
  [[ $output == *"unknown choice 'nonsense'"* ]]
  [[ $output == *"Usage: ./setup.sh COMMAND"* ]]
  [[ $output == *"Bye."* ]]
}

@test "menu passes the answers of its questions to the command" {
  java_home=$(fake_java_home)
  export FAKE_JAVA_LOG=$BATS_TEST_TMPDIR/java.log
  mkdir -p "$PROJECT/target" && touch "$PROJECT/target/vod-recorder.jar"
  run bash -c 'printf "7\n12\nq\n" | JAVA_HOME="$3" PATH="$1" bash "$2/setup.sh" menu' _ "$NO_DOCKER_PATH" "$PROJECT" "$java_home"
  [ "$status" -eq 0 ]
  grep -qx 'arg=clean' "$FAKE_JAVA_LOG"
  grep -qx 'arg=12' "$FAKE_JAVA_LOG"
}

@test "test rejects a bad stream name or duration before looking for Docker" {
  run_setup test '../etc'
  [ "$status" -eq 2 ]
  [[ $output == *"invalid stream name '../etc'"* ]]
  run_setup test cam1 --duration 0
  [ "$status" -eq 2 ]
  run_setup test cam1 --duration abc
  [ "$status" -eq 2 ]
  run_setup test cam1 cam2
  [ "$status" -eq 2 ]
}

@test "clean rejects bad arguments with exit status 2" {
  for args in "abc" "-1" "7 8" "7 --bogus" "123456"; do
    # shellcheck disable=SC2086 # split on purpose
    run_setup clean $args
    [ "$status" -eq 2 ] || { echo "clean $args: exit status $status"; return 1; }
  done
}

@test "clean without a container runs the local jar with java from JAVA_HOME in the project folder" {
  java_home=$(fake_java_home)
  export FAKE_JAVA_LOG=$BATS_TEST_TMPDIR/java.log
  mkdir -p "$PROJECT/target" && touch "$PROJECT/target/vod-recorder.jar"

  run env JAVA_HOME="$java_home" PATH="$NO_DOCKER_PATH" bash -c 'cd / && bash "$1/setup.sh" clean 3 --include-unuploaded' _ "$PROJECT"
  [ "$status" -eq 0 ]
  # the launcher's default JVM options come first
  [ "$(grep -v '^pid=' "$FAKE_JAVA_LOG")" = "cwd=$PROJECT
arg=-XX:+UseSerialGC
arg=-Xms16m
arg=-Xmx256m
arg=-XX:+ExitOnOutOfMemoryError
arg=-XX:TieredStopAtLevel=1
arg=-jar
arg=$PROJECT/target/vod-recorder.jar
arg=clean
arg=3
arg=--include-unuploaded" ]

  run env JAVA_HOME="$java_home" PATH="$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" clean
  [ "$status" -eq 0 ]
  grep -qx 'arg=7' "$FAKE_JAVA_LOG"
}

@test "clean passes on the recorder's exit status" {
  java_home=$(fake_java_home)
  export FAKE_JAVA_LOG=$BATS_TEST_TMPDIR/java.log
  mkdir -p "$PROJECT/target" && touch "$PROJECT/target/vod-recorder.jar"
  run env FAKE_JAVA_EXIT=1 JAVA_HOME="$java_home" PATH="$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" clean 5
  [ "$status" -eq 1 ]
  run env FAKE_JAVA_EXIT=2 JAVA_HOME="$java_home" PATH="$NO_DOCKER_PATH" bash "$PROJECT/setup.sh" clean 5
  [ "$status" -eq 2 ]
}

@test "clean refuses a Java older than 21 and a missing jar" {
  java_home=$(fake_java_home)
  export FAKE_JAVA_LOG=$BATS_TEST_TMPDIR/java.log
  run env VOD_RECORDER_JAR=/nonexistent/vod-recorder.jar JAVA_HOME="$java_home" PATH="$NO_DOCKER_PATH" \
    bash "$PROJECT/setup.sh" clean 5
  [ "$status" -eq 1 ]
  [[ $output == *"no running vod-recorder container, and no /nonexistent/vod-recorder.jar"* ]]

  # The only Java is 17: none on the PATH, none in the JVM folder.
  mkdir -p "$PROJECT/target" "$BATS_TEST_TMPDIR/jvm" && touch "$PROJECT/target/vod-recorder.jar"
  run env FAKE_JAVA_VERSION=17.0.14 JAVA_HOME="$java_home" VOD_RECORDER_JVM_DIR="$BATS_TEST_TMPDIR/jvm" \
    PATH="$(path_without docker docker-compose dockerd java)" bash "$PROJECT/setup.sh" clean 5
  [ "$status" -eq 1 ]
  [[ $output == *"vod-recorder: no Java 21 or newer: JAVA_HOME ($java_home) is Java 17;"* ]]
  [ ! -e "$FAKE_JAVA_LOG" ]
}

@test "clean with the real jar uses RECORDINGS_DIR from .env and keeps recordings not confirmed in S3" {
  require_recorder_jar

  recordings=$BATS_TEST_TMPDIR/recordings
  old=$recordings/cam1/2020-01-01/20200101_000000/segment_000.mp4
  recent=$recordings/cam1/$(date -u +%Y-%m-%d)/$(date -u +%Y%m%d_%H%M%S)/segment_000.mp4
  mkdir -p "$(dirname "$old")" "$(dirname "$recent")"
  head -c 4096 /dev/urandom >"$old"
  head -c 4096 /dev/urandom >"$recent"
  touch -d '2020-01-01 00:01:00 UTC' "$old"
  mkdir -p "$PROJECT/target"
  ln -s "$jar" "$PROJECT/target/vod-recorder.jar"
  printf '# local run\nRECORDINGS_DIR=%s\nLOG_LEVEL=WARN\n' "$recordings" >"$PROJECT/.env"

  run env -i PATH="$NO_DOCKER_PATH" HOME="$BATS_TEST_TMPDIR" JAVA_HOME="$java_home" bash "$PROJECT/setup.sh" clean 7
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"No running vod-recorder container"* ]]
  [ -d "$recordings/.vod-recorder" ]
  [ -f "$old" ]
  [ -f "$recent" ]

  # A file changed in the last minute is never touched, even with --include-unuploaded.
  run env -i PATH="$NO_DOCKER_PATH" HOME="$BATS_TEST_TMPDIR" JAVA_HOME="$java_home" \
    bash "$PROJECT/setup.sh" clean 0 --include-unuploaded
  echo "$output"
  [ "$status" -eq 0 ]
  [ -f "$recent" ]
}

@test "the recorder accepts the .env that setup writes, without a single warning" {
  require_recorder_jar
  run_setup setup --no-docker
  [ "$status" -eq 0 ]
  mkdir -p "$PROJECT/target"
  ln -s "$jar" "$PROJECT/target/vod-recorder.jar"
  run env -i PATH="$NO_DOCKER_PATH" HOME="$BATS_TEST_TMPDIR" JAVA_HOME="$java_home" \
    RECORDINGS_DIR="$BATS_TEST_TMPDIR/recordings" bash "$PROJECT/setup.sh" clean 7
  echo "$output"
  [ "$status" -eq 0 ]
  if [[ $output == *[Ww]arning* ]]; then echo "the recorder warned about the generated .env"; return 1; fi
}
