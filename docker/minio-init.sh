#!/bin/sh
# One-shot job of the compose stack (service minio-init, image minio/mc): creates the recorder's
# bucket and a MinIO user of its own for the recorder, so that the recorder never holds MinIO's
# root credentials. Safe to run again: every step is idempotent.
#
# Environment: MINIO_ROOT_USER, MINIO_ROOT_PASSWORD, S3_BUCKET_NAME (default vod), and the
# recorder's S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, each also as S3_..._FILE (Docker secrets).
set -eu

# Value of setting $1, read from the variable itself or from the file named by ${1}_FILE.
setting() {
  eval "value=\${$1:-}"
  eval "file=\${$1_FILE:-}"
  # shellcheck disable=SC2154 # value and file are assigned by the eval lines above
  if [ -z "$value" ] && [ -n "$file" ]; then
    value=$(cat -- "$file")
  fi
  printf '%s' "$value"
}

root_user=$(setting MINIO_ROOT_USER)
root_password=$(setting MINIO_ROOT_PASSWORD)
bucket=$(setting S3_BUCKET_NAME)
bucket=${bucket:-vod}
access_key=$(setting S3_ACCESS_KEY_ID)
secret_key=$(setting S3_SECRET_ACCESS_KEY)

if [ -z "$root_user" ] || [ -z "$root_password" ]; then
  echo "minio-init: MINIO_ROOT_USER and MINIO_ROOT_PASSWORD must be set (run ./setup.sh setup)" >&2
  exit 1
fi

mc alias set local http://minio:9000 "$root_user" "$root_password" >/dev/null
mc mb --ignore-existing "local/$bucket"

if [ -n "$access_key" ] && [ -n "$secret_key" ]; then
  # Adding an existing user updates its secret key.
  mc admin user add local "$access_key" "$secret_key" >/dev/null
  # The built-in readwrite policy covers every bucket of this MinIO, which serves only this stack.
  # Attaching a policy that is already attached fails, so accept that case.
  if ! mc admin policy attach local readwrite --user "$access_key" >/dev/null 2>&1; then
    mc admin user info local "$access_key" | grep -q readwrite
  fi
  echo "minio-init: bucket '$bucket' and the recorder's MinIO user are ready"
else
  echo "minio-init: bucket '$bucket' is ready; S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY are not set," \
    "so no recorder user was created (the recorder then needs other credentials)"
fi
