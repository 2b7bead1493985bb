#!/usr/bin/env bash
# Validates docker-compose.yml (and docker-compose.secrets.yml on top of it) with .env.example as
# .env, without a Docker engine: `docker-compose config` resolves every ${VARIABLE}, the env_file
# and the schema; stack_checks.py then checks what the stack promises (services, pinned images,
# health-based start order, pinned recorder settings, the MediaMTX API user and hook token).
#
# Usage: src/test/shell/compose-config.sh [OUTPUT_DIR]
#   OUTPUT_DIR keeps the rendered configurations (default: a temporary folder, removed afterwards).
# Needs: docker-compose (Debian package docker-compose) or the docker CLI with the Compose plugin,
# and /usr/bin/python3 with PyYAML (Debian package python3-yaml).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../../.." && pwd)

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "compose-config.sh: neither docker-compose nor 'docker compose' is installed" >&2
  exit 1
fi

if (($# > 0)); then
  out=$1
  mkdir -p -- "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf -- "$out"' EXIT
fi

# A copy of the stack's files, so that .env.example can be its .env and no real .env is touched.
project=$out/project
rm -rf -- "$project"
mkdir -p -- "$project/secrets"
cp -- "$root/docker-compose.yml" "$root/docker-compose.secrets.yml" "$root/mediamtx.yml" \
  "$root/Dockerfile" "$project/"
cp -R -- "$root/docker" "$project/docker"
cp -- "$root/.env.example" "$project/.env"
printf 'EXAMPLEKEY\n' >"$project/secrets/s3_access_key_id"
printf 'example-secret\n' >"$project/secrets/s3_secret_access_key"

# Only PATH and HOME from the caller: a variable in the caller's environment must not hide a
# missing entry in .env.example.
render() {
  local name=$1
  shift
  (cd -- "$project" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" "${compose[@]}" "$@" config) \
    >"$out/$name.yml" 2>"$out/$name.err" || {
    echo "compose-config.sh: '${compose[*]} $* config' failed:" >&2
    cat -- "$out/$name.err" >&2
    return 1
  }
  if grep -qi 'warning' "$out/$name.err"; then
    echo "compose-config.sh: '${compose[*]} $* config' warned:" >&2
    cat -- "$out/$name.err" >&2
    return 1
  fi
}

render base -f docker-compose.yml
/usr/bin/python3 "$here/stack_checks.py" compose "$out/base.yml" "$project/.env"

render secrets -f docker-compose.yml -f docker-compose.secrets.yml
/usr/bin/python3 "$here/stack_checks.py" compose "$out/secrets.yml" "$project/.env" --secrets

echo "compose-config.sh: docker-compose.yml and docker-compose.secrets.yml are valid with .env.example"
