#!/usr/bin/env bash
# setup.sh — set up, run and look after the mediamtx-vod stack (MediaMTX, MinIO, vod-recorder).
#
# Run `./setup.sh help` for the commands. Exit status: 0 success, 1 failure (including Docker
# missing), 2 bad usage. Works with `docker compose` (v2) and the older `docker-compose` (v1).
set -euo pipefail

PROJECT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly PROJECT_DIR
SELF="$PROJECT_DIR/$(basename -- "${BASH_SOURCE[0]}")"
readonly SELF
readonly ENV_FILE="$PROJECT_DIR/.env"
readonly ENV_EXAMPLE="$PROJECT_DIR/.env.example"
readonly JAR="${VOD_RECORDER_JAR:-$PROJECT_DIR/target/vod-recorder.jar}"
# Starts the jar with a Java 21+ it finds (JAVA_HOME, PATH, /usr/lib/jvm); the image has it too.
readonly LAUNCHER="$PROJECT_DIR/bin/vod-recorder"
readonly RECORDER_SERVICE=vod-recorder
readonly CONTAINER_LAUNCHER=/app/bin/vod-recorder
readonly DEFAULT_TEST_DURATION=75

# The Compose command found by find_compose: (docker compose) or (docker-compose).
COMPOSE=()
# Temporary file removed on exit, if any.
TMP_FILE=

cleanup() {
  if [[ -n $TMP_FILE ]]; then
    rm -f -- "$TMP_FILE"
  fi
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
warn() { printf 'setup.sh: warning: %s\n' "$*" >&2; }
die() {
  printf 'setup.sh: error: %s\n' "$*" >&2
  exit 1
}
usage_error() {
  printf 'setup.sh: %s\n' "$*" >&2
  printf "Run './setup.sh help' for the commands.\n" >&2
  exit 2
}
have() { command -v "$1" >/dev/null 2>&1; }

############################################################################
# Docker and Compose

# Sets COMPOSE to the first Compose that works; returns 1 when there is none.
find_compose() {
  if have docker && docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif have docker-compose; then
    COMPOSE=(docker-compose)
  else
    return 1
  fi
}

# Dies with a clear message unless the docker command and a Compose are installed.
require_docker() {
  if ! have docker; then
    die "Docker is not installed: there is no 'docker' command on the PATH.
  Install Docker Engine with the Compose plugin (https://docs.docker.com/engine/install/),
  or run the recorder without Docker as described in docs/DEPLOYMENT.md
  ('./setup.sh setup --no-docker' only writes .env and the folders)."
  fi
  if ! find_compose; then
    die "Docker Compose is not installed: neither 'docker compose' nor 'docker-compose' works.
  Install the Compose plugin (package docker-compose-plugin) or docker-compose."
  fi
}

engine_reachable() {
  timeout 20 docker info >/dev/null 2>&1
}

# Dies unless Docker, Compose and a running Docker engine are there.
require_engine() {
  require_docker
  if ! engine_reachable; then
    die "The Docker engine is not reachable ('docker info' failed).
  Start it (e.g. 'sudo systemctl start docker') and check that your user may use it (group 'docker')."
  fi
}

compose() {
  "${COMPOSE[@]}" "$@"
}

# Prints the container id of a running service; returns 1 when it does not run.
running_container() {
  local id
  id=$(compose ps -q "$1" 2>/dev/null | head -n 1) || return 1
  [[ -n $id ]] || return 1
  [[ $(docker inspect -f '{{.State.Running}}' "$id" 2>/dev/null) == true ]] || return 1
  printf '%s\n' "$id"
}

require_env_file() {
  [[ -f $ENV_FILE ]] || die "there is no .env yet: run './setup.sh setup' first."
}

# Value of KEY in .env (last assignment, surrounding quotes removed), or DEFAULT.
env_value() {
  local key=$1 default=$2 value=
  if [[ -f $ENV_FILE ]]; then
    value=$(sed -n "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}${key}=//p" "$ENV_FILE" | tail -n 1)
    value=${value%\"}
    value=${value#\"}
    value=${value%\'}
    value=${value#\'}
  fi
  printf '%s' "${value:-$default}"
}

############################################################################
# setup

# Prints N random bytes as 2N lowercase hex digits, from openssl or else /dev/urandom.
random_hex() {
  if have openssl; then
    openssl rand -hex "$1"
  else
    head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'
    printf '\n'
  fi
}

# Writes .env from .env.example with generated credentials; never replaces an existing .env.
create_env_file() {
  local -A generated
  local key line
  generated[MINIO_ROOT_PASSWORD]=$(random_hex 24)
  generated[S3_ACCESS_KEY_ID]=$(random_hex 10 | tr 'a-f' 'A-F')
  generated[S3_SECRET_ACCESS_KEY]=$(random_hex 24)
  generated[MEDIAMTX_API_PASSWORD]=$(random_hex 24)
  generated[HOOK_TOKEN]=$(random_hex 32)
  for key in "${!generated[@]}"; do
    [[ ${generated[$key]} =~ ^[0-9A-Fa-f]{20,}$ ]] || die "could not generate a random value for $key"
  done

  # mktemp creates the file readable by its owner only, and .env keeps that mode.
  TMP_FILE=$(mktemp "$PROJECT_DIR/.env.tmp.XXXXXX")
  {
    printf '# Created by ./setup.sh setup on %s from .env.example. Private: it holds credentials.\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    while IFS= read -r line || [[ -n $line ]]; do
      if [[ $line =~ ^([A-Z][A-Z0-9_]*)= ]] && [[ -n ${generated[${BASH_REMATCH[1]}]+set} ]]; then
        key=${BASH_REMATCH[1]}
        line="$key=${generated[$key]}"
        unset 'generated[$key]'
      fi
      printf '%s\n' "$line"
    done <"$ENV_EXAMPLE"
  } >"$TMP_FILE"
  if ((${#generated[@]} > 0)); then
    die ".env.example has no line for: ${!generated[*]}"
  fi
  # A hard link fails when .env exists, so even a concurrent run cannot overwrite it.
  if ! ln -- "$TMP_FILE" "$ENV_FILE" 2>/dev/null; then
    [[ -e $ENV_FILE ]] && die ".env appeared while it was being written; it was left as it is."
    die "could not create $ENV_FILE"
  fi
  rm -f -- "$TMP_FILE"
  TMP_FILE=
}

cmd_setup() {
  local check_docker=1
  while (($#)); do
    case $1 in
      --no-docker) check_docker=0 ;;
      *) usage_error "setup: unknown option '$1'" ;;
    esac
    shift
  done

  if ((check_docker)); then
    require_docker
    say "Docker:  $(docker --version 2>/dev/null || echo 'version unknown')"
    say "Compose: ${COMPOSE[*]} $(compose version --short 2>/dev/null || echo '(version unknown)')"
    if ! engine_reachable; then
      warn "the Docker engine is not reachable right now; start it before './setup.sh start'."
    fi
  fi

  [[ -f $ENV_EXAMPLE ]] || die "$ENV_EXAMPLE is missing."
  if [[ -e $ENV_FILE ]]; then
    say "Kept the existing .env: setup never overwrites it (delete it to generate a new one)."
  else
    create_env_file
    say "Created .env with generated credentials (readable by you only)."
  fi

  # recordings/: RECORDINGS_DIR of a run without Docker (the stack uses a named volume).
  # secrets/: for docker-compose.secrets.yml.
  mkdir -p -- "$PROJECT_DIR/recordings"
  if [[ ! -d $PROJECT_DIR/secrets ]]; then
    mkdir -m 700 -- "$PROJECT_DIR/secrets"
  fi
  say "Folders: recordings/ secrets/"
  say ""
  if ((check_docker)); then
    say "Next: './setup.sh start', then './setup.sh test' to record a test pattern."
  else
    say "Next: run the recorder without Docker (docs/DEPLOYMENT.md); it reads .env from this folder."
  fi
}

############################################################################
# start, stop, logs, health

cmd_start() {
  (($# == 0)) || usage_error "start takes no arguments"
  require_engine
  require_env_file
  if grep -Eq '^[A-Z][A-Z0-9_]*=change-me' "$ENV_FILE"; then
    die ".env still has 'change-me' placeholders: set real values, or delete .env and run './setup.sh setup'."
  fi
  compose up -d --build
  say ""
  say "Started."
  say "  Web UI:        http://localhost:$(env_value HOST_PORT_WEB 8080)/"
  say "  Publish RTSP:  rtsp://localhost:$(env_value HOST_PORT_RTSP 8554)/<stream name>"
  say "  MinIO console: http://localhost:$(env_value HOST_PORT_MINIO_CONSOLE 9001)/ (user MINIO_ROOT_USER in .env)"
  say "Check with './setup.sh health'; record a test pattern with './setup.sh test'."
}

cmd_stop() {
  (($# == 0)) || usage_error "stop takes no arguments"
  require_engine
  # down keeps the named volumes (recordings, minio-data).
  compose down
}

cmd_logs() {
  (($# <= 1)) || usage_error "logs takes at most one service name"
  local services=()
  if (($# == 1)); then
    [[ $1 =~ ^[a-z0-9][a-z0-9_-]*$ ]] || usage_error "logs: invalid service name '$1'"
    services=("$1")
  fi
  require_engine
  local follow=()
  # Follow only in a terminal, and not from the menu, whose Ctrl-C would end the menu too.
  if [[ -t 1 && -z ${SETUP_SH_NO_FOLLOW:-} ]]; then
    follow=(--follow)
  fi
  compose logs --tail=200 "${follow[@]}" "${services[@]}"
}

cmd_health() {
  (($# == 0)) || usage_error "health takes no arguments"
  require_engine
  local failed=0 service id state

  say "== Containers"
  compose ps
  for service in mediamtx minio vod-recorder; do
    if id=$(running_container "$service"); then
      state=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}running{{end}}' "$id")
    else
      state="not running"
    fi
    say "  $service: $state"
    [[ $state == healthy ]] || failed=1
  done

  say "== Recorder /ready"
  if running_container "$RECORDER_SERVICE" >/dev/null &&
    compose exec -T "$RECORDER_SERVICE" vod-healthcheck /ready; then
    say "  ready"
  else
    say "  NOT ready"
    failed=1
  fi

  say "== MediaMTX API"
  local paths
  if running_container mediamtx >/dev/null &&
    paths=$(compose exec -T mediamtx wget -q -O - http://127.0.0.1:9997/v3/paths/list); then
    say "  reachable; $(printf '%s' "$paths" | grep -o '"itemCount":[0-9]*' | head -n 1 | tr -d '"' | sed 's/itemCount:/paths: /')"
  else
    say "  NOT reachable"
    failed=1
  fi

  if ((failed)); then
    die "something is not healthy (see above; './setup.sh logs <service>' shows why)."
  fi
  say "All healthy."
}

############################################################################
# test

valid_stream_name() {
  # MediaMTX's own rule for path names (no leading or trailing '/'), without '.' or '..' parts.
  [[ $1 =~ ^[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*$ ]] && ((${#1} <= 200)) &&
    [[ ! /$1/ =~ /\.\.?/ ]]
}

cmd_test() {
  local name=test duration=${TEST_DURATION:-$DEFAULT_TEST_DURATION} name_set=0
  while (($#)); do
    case $1 in
      --duration)
        (($# >= 2)) || usage_error "test: --duration needs a number of seconds"
        duration=$2
        shift
        ;;
      --duration=*) duration=${1#--duration=} ;;
      -*) usage_error "test: unknown option '$1'" ;;
      *)
        ((name_set == 0)) || usage_error "test takes one stream name"
        name=$1
        name_set=1
        ;;
    esac
    shift
  done
  valid_stream_name "$name" ||
    usage_error "test: invalid stream name '$name' (letters, digits, _ . ~ - and inner /)"
  if [[ ! $duration =~ ^[0-9]{1,5}$ ]] || ((10#$duration < 1 || 10#$duration > 86400)); then
    usage_error "test: the duration must be 1..86400 seconds, got '$duration'"
  fi
  duration=$((10#$duration))

  require_engine
  running_container mediamtx >/dev/null || die "MediaMTX is not running: './setup.sh start' first."

  local encode=(-hide_banner -loglevel warning -nostdin -re
    -f lavfi -i "testsrc2=size=1280x720:rate=25"
    -f lavfi -i "sine=frequency=440:sample_rate=48000"
    -t "$duration" -c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p -g 50
    -c:a aac -b:a 96k -f rtsp -rtsp_transport tcp)
  say "Publishing a test pattern to stream '$name' for $duration s ..."
  if have ffmpeg; then
    ffmpeg "${encode[@]}" "rtsp://127.0.0.1:$(env_value HOST_PORT_RTSP 8554)/$name" </dev/null
  else
    say "(no ffmpeg on this host: using the one in the mediamtx container)"
    compose exec -T mediamtx ffmpeg "${encode[@]}" "rtsp://127.0.0.1:8554/$name" </dev/null
  fi
  say "Done. The recording of '$name' is listed at http://localhost:$(env_value HOST_PORT_WEB 8080)/"
}

############################################################################
# clean

cmd_clean() {
  local days=7 days_set=0 extra=()
  while (($#)); do
    case $1 in
      --include-unuploaded) extra=(--include-unuploaded) ;;
      -*) usage_error "clean: unknown option '$1'" ;;
      *)
        ((days_set == 0)) || usage_error "clean takes one number of days"
        days=$1
        days_set=1
        ;;
    esac
    shift
  done
  [[ $days =~ ^[0-9]{1,5}$ ]] || usage_error "clean: DAYS must be a whole number of days (0 or more), got '$days'"
  days=$((10#$days))

  if have docker && find_compose && engine_reachable && running_container "$RECORDER_SERVICE" >/dev/null; then
    say "Cleaning recordings older than $days days in the running $RECORDER_SERVICE container ..."
    compose exec -T "$RECORDER_SERVICE" "$CONTAINER_LAUNCHER" clean "$days" "${extra[@]}"
    return
  fi

  [[ -f $JAR ]] || die "no running $RECORDER_SERVICE container, and no $JAR to run locally.
  Start the stack ('./setup.sh start') or build the jar ('./mvnw -B package -DskipTests')."
  # Without a Java 21+ the launcher says what it found and what to install; that is a failure here
  # (exit 1), not bad usage.
  local no_java
  if ! no_java=$(VOD_RECORDER_JAR=$JAR "$LAUNCHER" --print-java 2>&1 >/dev/null); then
    printf '%s\n' "$no_java" >&2
    exit 1
  fi
  say "No running $RECORDER_SERVICE container: cleaning recordings older than $days days with $JAR"
  say "(settings from the environment and from $PROJECT_DIR/.env when present) ..."
  # The recorder reads .env from its working directory itself.
  (cd -- "$PROJECT_DIR" && VOD_RECORDER_JAR=$JAR "$LAUNCHER" clean "$days" "${extra[@]}")
}

############################################################################
# menu, help

print_menu() {
  cat <<'EOF'

mediamtx-vod
  1) setup    create .env and folders
  2) start    build and start the stack
  3) stop     stop the stack (recordings are kept)
  4) logs     show logs
  5) health   check containers, recorder and MediaMTX
  6) test     publish a test pattern
  7) clean    delete old local recordings
  8) help
  q) quit
EOF
  printf 'Choice: '
}

# Asks QUESTION with DEFAULT; prints the answer. Returns 1 at the end of the input.
ask() {
  local answer
  printf '%s [%s]: ' "$1" "$2" >&2
  IFS= read -r answer || return 1
  answer=${answer#"${answer%%[![:space:]]*}"}
  answer=${answer%"${answer##*[![:space:]]}"}
  printf '%s\n' "${answer:-$2}"
}

# Runs one command as its own process (so its failure cannot end the menu) without the menu's stdin.
run_action() {
  local status=0
  SETUP_SH_NO_FOLLOW=1 bash "$SELF" "$@" </dev/null || status=$?
  if ((status != 0)); then
    warn "'$1' failed (exit status $status)"
  fi
}

cmd_menu() {
  (($# == 0)) || usage_error "menu takes no arguments"
  local choice answer days
  while true; do
    print_menu
    if ! IFS= read -r choice; then
      say ""
      say "Bye."
      return 0
    fi
    choice=${choice//[[:space:]]/}
    case $choice in
      1 | setup) run_action setup ;;
      2 | start) run_action start ;;
      3 | stop) run_action stop ;;
      4 | logs)
        answer=$(ask "Service (mediamtx, minio, minio-init, vod-recorder; all)" all) || break
        if [[ $answer == all ]]; then run_action logs; else run_action logs "$answer"; fi
        ;;
      5 | health) run_action health ;;
      6 | test)
        answer=$(ask "Stream name" test) || break
        days=$(ask "Seconds to publish" "$DEFAULT_TEST_DURATION") || break
        run_action test "$answer" --duration "$days"
        ;;
      7 | clean)
        days=$(ask "Delete local recordings confirmed in S3 and older than how many days" 7) || break
        run_action clean "$days"
        ;;
      8 | help | h | '?') cmd_help ;;
      q | Q | quit | exit)
        say "Bye."
        return 0
        ;;
      '') ;;
      *) warn "unknown choice '$choice'" ;;
    esac
  done
  say ""
  say "Bye."
}

cmd_help() {
  cat <<'EOF'
Usage: ./setup.sh COMMAND [ARGUMENTS]

Commands:
  setup [--no-docker]   Check Docker and Compose, create .env from .env.example with generated
                        credentials (never overwrites an existing .env) and the folders
                        recordings/ and secrets/. --no-docker skips the Docker checks (for running
                        the recorder without Docker).
  start                 Build the recorder image and start the stack in the background.
  stop                  Stop and remove the containers; the recordings and MinIO's data are kept.
  logs [SERVICE]        Show the last logs (and follow them in a terminal). SERVICE: mediamtx,
                        minio, minio-init or vod-recorder; all when omitted.
  health                Check the containers, the recorder's /ready and MediaMTX's API.
  test [STREAM] [--duration SECONDS]
                        Publish an FFmpeg test pattern to MediaMTX (stream 'test' by default,
                        75 seconds or TEST_DURATION) so that a recording appears. Uses the host's
                        ffmpeg, or the one in the mediamtx container.
  clean [DAYS] [--include-unuploaded]
                        Delete local recordings older than DAYS (default 7) that are confirmed in
                        S3 (--include-unuploaded: the others too). Runs in the running recorder
                        container, else with bin/vod-recorder and target/vod-recorder.jar on
                        this machine (settings from .env).
  menu                  Interactive menu (reads choices from standard input; q or end of input quits).
  help                  This text.

Environment: TEST_DURATION (seconds for 'test'), JAVA_HOME (Java 21+ for a local 'clean'; else
bin/vod-recorder looks on the PATH and in /usr/lib/jvm), VOD_RECORDER_JAR (jar for a local 'clean';
default target/vod-recorder.jar).
Exit status: 0 success, 1 failure (also when Docker is missing), 2 bad usage.
More: docs/DEPLOYMENT.md
EOF
}

main() {
  cd -- "$PROJECT_DIR"
  local command=${1:-help}
  (($# == 0)) || shift
  case $command in
    setup) cmd_setup "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    logs) cmd_logs "$@" ;;
    health) cmd_health "$@" ;;
    test) cmd_test "$@" ;;
    clean) cmd_clean "$@" ;;
    menu) cmd_menu "$@" ;;
    help | -h | --help) cmd_help ;;
    *) usage_error "unknown command '$command'" ;;
  esac
}

main "$@"
