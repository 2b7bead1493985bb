#!/usr/bin/env bats
# The container image's parts that can be checked without building it: the health-check script
# (run here against a local HTTP server standing in for the recorder), the Dockerfile's runtime
# contract, and what .dockerignore keeps out of the build context.

load test_helper

HEALTHCHECK=$REPO_ROOT/docker/healthcheck.sh

# Starts fake_http_server.py with ARGS; sets SERVER_PID and SERVER_PORT.
start_server() {
  local port_file=$BATS_TEST_TMPDIR/port
  SERVER_LOG=$BATS_TEST_TMPDIR/requests.log
  : >"$SERVER_LOG"
  /usr/bin/python3 "$BATS_TEST_DIRNAME/fake_http_server.py" "$port_file" "$SERVER_LOG" "$@" 3>&- &
  SERVER_PID=$!
  local deadline=$((SECONDS + 10))
  until [[ -s $port_file ]]; do
    ((SECONDS < deadline)) || { echo "the fake server did not start"; return 1; }
    sleep 0.05
  done
  SERVER_PORT=$(cat "$port_file")
}

teardown() {
  if [[ -n ${SERVER_PID:-} ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}

@test "vod-healthcheck succeeds on a 200 from /health and prints the answer" {
  require curl
  start_server
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" sh "$HEALTHCHECK"
  [ "$status" -eq 0 ]
  [[ $output == *'"status": "UP", "path": "/health"'* ]]
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" sh "$HEALTHCHECK" /ready
  [ "$status" -eq 0 ]
  grep -q '"path": "/ready", "authorization": null' "$SERVER_LOG"
}

@test "vod-healthcheck fails on a 503, still printing why, and when nothing listens" {
  require curl
  start_server --status 503
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" sh "$HEALTHCHECK" /ready
  [ "$status" -ne 0 ]
  [[ $output == *'"status": "DOWN", "path": "/ready"'* ]]
  port=$SERVER_PORT
  teardown
  SERVER_PID=
  run env -i PATH="$PATH" HTTP_PORT="$port" sh "$HEALTHCHECK"
  [ "$status" -ne 0 ]
}

@test "vod-healthcheck sends basic auth when WEB_PROTECT_PROBES is on, also from _FILE settings" {
  require curl
  password='p"a\ss:w0rd'
  start_server --basic "admin:$password"
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" WEB_PROTECT_PROBES=TRUE WEB_USERNAME=admin \
    WEB_PASSWORD="$password" sh "$HEALTHCHECK"
  [ "$status" -eq 0 ]
  printf '%s\n' "$password" >"$BATS_TEST_TMPDIR/password"
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" WEB_PROTECT_PROBES=yes WEB_USERNAME=admin \
    WEB_PASSWORD_FILE="$BATS_TEST_TMPDIR/password" sh "$HEALTHCHECK"
  [ "$status" -eq 0 ]
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" WEB_PROTECT_PROBES=true WEB_USERNAME=admin \
    WEB_PASSWORD=wrong sh "$HEALTHCHECK"
  [ "$status" -ne 0 ]
  # Without WEB_PROTECT_PROBES no credentials are sent, even when they are set.
  run env -i PATH="$PATH" HTTP_PORT="$SERVER_PORT" WEB_USERNAME=admin WEB_PASSWORD="$password" sh "$HEALTHCHECK"
  [ "$status" -ne 0 ]
  [ "$(tail -n 1 "$SERVER_LOG")" = '{"path": "/health", "authorization": null}' ]
}

@test "the Dockerfile runs the jar as a non-root user with an exec-form entrypoint and a health check" {
  file=$REPO_ROOT/Dockerfile
  # The launcher as on a host: the jar beside its bin/ folder, the JVM options in the environment.
  grep -Eq '^ENTRYPOINT \["/app/bin/vod-recorder"\]$' "$file"
  grep -Eq '^CMD \["run"\]$' "$file"
  grep -Eq '^COPY --from=build /src/target/vod-recorder.jar /app/vod-recorder.jar$' "$file"
  grep -Eq '^COPY bin/vod-recorder /app/bin/vod-recorder$' "$file"
  grep -Eq '^RUN chmod 0755 /app/bin/vod-recorder ' "$file"
  # The launcher's default JVM options, and the AOT cache made in the image for the Java 25 JRE.
  if grep -q 'VOD_RECORDER_JAVA_OPTS=' "$file"; then echo "the image replaces the launcher's JVM options"; return 1; fi
  grep -Eq '^ARG JRE_IMAGE=eclipse-temurin:25-jre-noble$' "$file"
  grep -Eq '^COPY bin/make-aot-cache /app/bin/make-aot-cache$' "$file"
  grep -Eq '^RUN /app/bin/make-aot-cache$' "$file"
  grep -Eq '^ENV JAVA_HOME=/opt/java/openjdk ' "$file"
  grep -q '^readonly CONTAINER_LAUNCHER=/app/bin/vod-recorder$' "$REPO_ROOT/setup.sh"
  grep -Eq '^USER 10001:10001$' "$file"
  grep -Eq '^STOPSIGNAL SIGTERM$' "$file"
  grep -Eq '^EXPOSE 8080$' "$file"
  grep -Eq '^VOLUME \["/recordings"\]$' "$file"
  grep -Eq 'CMD \["vod-healthcheck", "/health"\]$' "$file"
  grep -Eq '^COPY docker/healthcheck.sh /usr/local/bin/vod-healthcheck$' "$file"
  grep -Eq 'apt-get install -y --no-install-recommends ffmpeg curl' "$file"
  # No BuildKit-only syntax: docker-compose v1 builds with the classic builder.
  if grep -Eq '^(RUN --mount|COPY --chmod|COPY --link)' "$file"; then echo "BuildKit-only syntax"; return 1; fi
}

@test ".dockerignore keeps secrets, build output and recordings out of the build context" {
  file=$REPO_ROOT/.dockerignore
  for entry in .env secrets target recordings .git; do
    grep -qx "$entry" "$file" || { echo "$entry is not ignored"; return 1; }
  done
  # ... but not what the build needs.
  for needed in mvnw pom.xml .mvn src docker bin; do
    if grep -qx "$needed" "$file"; then echo "$needed is ignored"; return 1; fi
  done
}
