#!/usr/bin/env bash
# Upload benchmarks against an in-process S3Proxy on loopback.
#   bench/upload.sh throughput [FILES] [SIZE_MB] [WORKERS...]   default: 200 15 3 10
#       the same files uploaded by the recorder's uploader and by `rclone copy` (Debian package rclone)
#   bench/upload.sh latency [STREAMS] [SEGMENT_SECONDS] [SIZE_MB] [DURATION_SECONDS]   default: 10 2 1 60
#       segments finishing on a schedule; time from "finished" to "confirmed in S3" (p50, p95)
# Output goes to stdout and to bench/results/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
# The Java 21+ the recorder's launcher takes (JAVA_HOME, java on the PATH, /usr/lib/jvm).
java=$(bin/vod-recorder --print-java)

mode="${1:-throughput}"
shift || true
case "$mode" in
  throughput) args=("${1:-200}" "${2:-15}"); shift 2 || shift $#; workers=("$@"); [ ${#workers[@]} -gt 0 ] || workers=(3 10)
              args+=("${workers[@]}"); command -v rclone >/dev/null || { echo "rclone is missing: apt-get install rclone" >&2; exit 1; } ;;
  latency)    args=("${1:-10}" "${2:-2}" "${3:-1}" "${4:-60}") ;;
  *) sed -n '2,7p' "$0" >&2; exit 2 ;;
esac

./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
mkdir -p bench/results
result="bench/results/upload-$mode-$(date -u +%Y%m%dT%H%M%SZ).txt"
"$java" --enable-native-access=ALL-UNNAMED -Xmx512m \
  -Dbench.dir=target/bench -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.github.mediamtxvod.upload.UploadBenchmark "$mode" "${args[@]}" | tee "$result"
echo "written to $result"
