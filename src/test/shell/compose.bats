#!/usr/bin/env bats
# The compose stack's files, checked without a Docker engine: the compose file rendered by
# `docker-compose config`, mediamtx.yml against MediaMTX's API description, and the hook commands
# run the way MediaMTX runs them, with BusyBox's wget.

# The scripts given to `bash -c` are in single quotes on purpose and take their values as arguments.
# shellcheck disable=SC2016

load test_helper

OPENAPI=$BATS_TEST_DIRNAME/fixtures/mediamtx-openapi.yaml

@test "docker-compose.yml and docker-compose.secrets.yml validate with .env.example" {
  require docker-compose
  run bash "$BATS_TEST_DIRNAME/compose-config.sh" "$BATS_TEST_TMPDIR/rendered"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "the compose file refuses to render without the recorder's MediaMTX credentials" {
  require docker-compose
  project=$(make_project)
  cp "$REPO_ROOT/.env.example" "$project/.env"
  sed -i '/^MEDIAMTX_API_PASSWORD=/d' "$project/.env"
  run env -i PATH="$PATH" HOME="$BATS_TEST_TMPDIR" bash -c 'cd "$1" && docker-compose config' _ "$project"
  [ "$status" -ne 0 ]
  [[ $output == *"set MEDIAMTX_API_PASSWORD in .env"* ]]
}

@test "mediamtx.yml uses only settings MediaMTX v1.20.1 knows, none of them deprecated" {
  run /usr/bin/python3 "$BATS_TEST_DIRNAME/stack_checks.py" mediamtx "$REPO_ROOT/mediamtx.yml" "$OPENAPI"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "the mediamtx.yml check catches a deprecated hook name" {
  sed 's/^  runOnAvailable:/  runOnReady:/' "$REPO_ROOT/mediamtx.yml" >"$BATS_TEST_TMPDIR/old.yml"
  run /usr/bin/python3 "$BATS_TEST_DIRNAME/stack_checks.py" mediamtx "$BATS_TEST_TMPDIR/old.yml" "$OPENAPI"
  [ "$status" -eq 1 ]
  [[ $output == *"pathDefaults.runOnReady is deprecated"* ]]
}

@test "the runOnAvailable hook, split and run without a shell, POSTs the path and the token" {
  require busybox
  run /usr/bin/python3 "$BATS_TEST_DIRNAME/stack_checks.py" hook "$REPO_ROOT/mediamtx.yml" runOnAvailable \
    live/cam-1 0123abcd
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *'"method": "POST", "path": "/api/hooks/ready?path=live/cam-1", "authorization": "Bearer 0123abcd"'* ]]
}

@test "the runOnUnavailable hook POSTs to the not-ready endpoint" {
  require busybox
  run /usr/bin/python3 "$BATS_TEST_DIRNAME/stack_checks.py" hook "$REPO_ROOT/mediamtx.yml" runOnUnavailable \
    cam_2 tok
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *'"path": "/api/hooks/not-ready?path=cam_2", "authorization": "Bearer tok"'* ]]
}

# Writes the ```yaml block of the Markdown file $1 that holds runOnAvailable to $2.
doc_hook_block() {
  awk '/^```yaml$/ { block = ""; inside = 1; next }
    inside && /^```$/ { inside = 0; if (block ~ /runOnAvailable/) printf "%s", block; next }
    inside { block = block $0 "\n" }' "$1" >"$2"
  [ -s "$2" ] || { echo "$1 has no yaml block with runOnAvailable"; return 1; }
}

@test "the curl hook lines of the README and docs/DEPLOYMENT.md POST the path, and the token when given" {
  require curl
  for doc in README.md docs/DEPLOYMENT.md; do
    doc_hook_block "$REPO_ROOT/$doc" "$BATS_TEST_TMPDIR/hooks.yml"
    authorization=null
    grep -q 'HOOK_TOKEN' "$BATS_TEST_TMPDIR/hooks.yml" && authorization='"Bearer tok"'
    run /usr/bin/python3 "$BATS_TEST_DIRNAME/stack_checks.py" hook "$BATS_TEST_TMPDIR/hooks.yml" runOnAvailable \
      live/cam-1 tok
    echo "$doc: $output"
    [ "$status" -eq 0 ]
    [[ $output == *"\"path\": \"/api/hooks/ready?path=live/cam-1\", \"authorization\": $authorization"* ]]
    run /usr/bin/python3 "$BATS_TEST_DIRNAME/stack_checks.py" hook "$BATS_TEST_TMPDIR/hooks.yml" runOnUnavailable \
      cam_2 tok
    echo "$doc: $output"
    [ "$status" -eq 0 ]
    [[ $output == *"\"path\": \"/api/hooks/not-ready?path=cam_2\", \"authorization\": $authorization"* ]]
  done
}

@test ".env.example explains and defaults every variable and ends with the compose-only group" {
  file=$REPO_ROOT/.env.example
  # Every assignment, set or commented out, has a comment line right above it that states its default
  # (compose-only variables excepted) and is assigned once.
  run awk '
    /^# --- Compose stack only \(not read by the recorder\) ---$/ { composeOnly = 1 }
    /^#? ?[A-Z][A-Z0-9_]*=/ {
      name = $0; sub(/^# ?/, "", name); sub(/=.*/, "", name)
      if (previous !~ /^# [^ -]/ || previous ~ /^# ?[A-Z][A-Z0-9_]*=/) print "no explanation above " name
      if (!composeOnly && previous !~ /default/) print "no default stated for " name
      if (seen[name]++) print "assigned twice: " name
    }
    { previous = $0 }
    END { if (!composeOnly) print "the compose-only group header is missing" }
  ' "$file"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # The compose-only group is the last group.
  [ "$(grep -c '^# --- ' "$file")" -ge 2 ]
  [ "$(grep '^# --- ' "$file" | tail -n 1)" = "# --- Compose stack only (not read by the recorder) ---" ]
}
