#!/bin/sh
# vod-healthcheck [PATH] — asks the recorder inside this container for PATH (default /health) and
# prints the answer (also when it is an error: /ready says why it is not ready). Exit status 0 when
# the answer is 2xx, non-zero otherwise. Needs curl 7.76 or newer (--fail-with-body).
#
# Used by the image's HEALTHCHECK and by `./setup.sh health` (with /ready). When WEB_PROTECT_PROBES
# is true the probes need basic auth: the credentials are taken from WEB_USERNAME / WEB_PASSWORD or
# their _FILE variants and handed to curl on stdin, so they never show in the process list.
set -eu

probe_path=${1:-/health}
case $probe_path in
  /*) ;;
  *) echo "vod-healthcheck: PATH must start with '/'" >&2; exit 2 ;;
esac
port=${HTTP_PORT:-8080}

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

# Escapes a value for a double-quoted string in a curl config file.
curl_quote() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

url="http://127.0.0.1:${port}${probe_path}"
protect=$(setting WEB_PROTECT_PROBES | tr '[:upper:]' '[:lower:]')
status=0
case $protect in
  true | yes | 1)
    user=$(setting WEB_USERNAME)
    password=$(setting WEB_PASSWORD)
    printf 'user = "%s:%s"\n' "$(curl_quote "$user")" "$(curl_quote "$password")" |
      curl --fail-with-body -sS --max-time 8 -K - "$url" || status=$?
    ;;
  *)
    curl --fail-with-body -sS --max-time 8 "$url" || status=$?
    ;;
esac
echo
exit "$status"
