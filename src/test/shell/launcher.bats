#!/usr/bin/env bats
# bin/vod-recorder: which Java it takes (fake JAVA_HOMEs whose bin/java is a script that reports a
# given version), where it finds the jar, what it passes on, its one-line messages, and that it
# becomes the JVM (exec), so that SIGTERM reaches the real recorder, which then exits 0.

# Each test runs in its own subshell (SC2030/SC2031); jar and java_home are set by
# require_recorder_jar of test_helper.bash, stderr and stderr_lines by bats' run (SC2154).
# shellcheck disable=SC2030,SC2031,SC2154

bats_require_minimum_version 1.5.0

load test_helper

setup() {
  T=$BATS_TEST_TMPDIR
  export FAKE_JAVA_LOG=$T/java.log
  # A checkout: bin/vod-recorder and target/vod-recorder.jar.
  CHECKOUT=$T/checkout
  mkdir -p "$CHECKOUT/bin" "$CHECKOUT/target"
  cp "$REPO_ROOT/bin/vod-recorder" "$CHECKOUT/bin/"
  touch "$CHECKOUT/target/vod-recorder.jar"
  # No Java on the PATH and none in the JVM folder unless a test puts one there.
  NO_JAVA_PATH=$(path_without java)
  EMPTY_JVM_DIR=$T/no-jvm
  mkdir -p "$EMPTY_JVM_DIR"
}

# Runs the checkout's launcher with ARGS, a PATH without java (plus PATH_EXTRA in front, if set),
# JAVA_HOME from JAVA_HOME_FOR_TEST (unset when empty) and the JVM folder JVM_DIR.
launch() {
  local -a environment=(PATH="${PATH_EXTRA:+$PATH_EXTRA:}$NO_JAVA_PATH" FAKE_JAVA_LOG="$FAKE_JAVA_LOG"
    VOD_RECORDER_JVM_DIR="${JVM_DIR:-$EMPTY_JVM_DIR}")
  [[ -z ${JAVA_HOME_FOR_TEST:-} ]] || environment+=(JAVA_HOME="$JAVA_HOME_FOR_TEST")
  [[ -z ${JAVA_OPTS_FOR_TEST+set} ]] || environment+=(VOD_RECORDER_JAVA_OPTS="$JAVA_OPTS_FOR_TEST")
  [[ -z ${JAR_FOR_TEST:-} ]] || environment+=(VOD_RECORDER_JAR="$JAR_FOR_TEST")
  run --separate-stderr env -i "${environment[@]}" "${LAUNCHER:-$CHECKOUT/bin/vod-recorder}" "$@"
}

# The arguments the fake java was started with, one a line, each in [brackets].
java_args() {
  sed -n 's/^arg=\(.*\)$/[\1]/p' "$FAKE_JAVA_LOG"
}

# The launcher's default JVM options (without VOD_RECORDER_JAVA_OPTS), as java_args prints them.
default_java_args() {
  printf '%s\n' '[-XX:+UseSerialGC]' '[-Xms16m]' '[-Xmx256m]' '[-XX:+ExitOnOutOfMemoryError]' '[-XX:TieredStopAtLevel=1]'
}

@test "JAVA_HOME's Java 21+ runs target/vod-recorder.jar of the checkout with the options and arguments as given" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-25" 25.0.1)
  JAVA_OPTS_FOR_TEST=$' -Xmx64m \t-XX:+UseSerialGC\n-Dglob=* '
  launch clean 7 --include-unuploaded 'two words' ''
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$(java_args)" = "[-Xmx64m]
[-XX:+UseSerialGC]
[-Dglob=*]
[-jar]
[$CHECKOUT/target/vod-recorder.jar]
[clean]
[7]
[--include-unuploaded]
[two words]
[]" ]
}

@test "without arguments the jar gets none (it runs), with the default JVM options; its exit status is the launcher's" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-21" 21)
  launch
  [ "$status" -eq 0 ]
  [ "$(java_args)" = "$(default_java_args)
[-jar]
[$CHECKOUT/target/vod-recorder.jar]" ]
  for code in 1 2 3; do
    run env FAKE_JAVA_EXIT=$code JAVA_HOME="$JAVA_HOME_FOR_TEST" FAKE_JAVA_LOG="$FAKE_JAVA_LOG" "$CHECKOUT/bin/vod-recorder" check
    [ "$status" -eq "$code" ]
  done
}

@test "the launcher becomes the JVM: java runs in the launcher's own process" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-21" 21.0.6)
  env -i PATH="$NO_JAVA_PATH" JAVA_HOME="$JAVA_HOME_FOR_TEST" FAKE_JAVA_LOG="$FAKE_JAVA_LOG" \
    "$CHECKOUT/bin/vod-recorder" version 3>&- &
  pid=$!
  wait "$pid"
  grep -qx "pid=$pid" "$FAKE_JAVA_LOG"
}

@test "installed layout: PREFIX/vod-recorder.jar beside bin/, also through a symbolic link to the launcher" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jre-21" 21.0.6)
  mkdir -p "$T/opt/vod-recorder/bin" "$T/usr/local/bin"
  cp "$REPO_ROOT/bin/vod-recorder" "$T/opt/vod-recorder/bin/"
  touch "$T/opt/vod-recorder/vod-recorder.jar"
  ln -s "$T/opt/vod-recorder/bin/vod-recorder" "$T/usr/local/bin/vod-recorder"
  LAUNCHER=$T/usr/local/bin/vod-recorder launch version
  [ "$status" -eq 0 ]
  [ "$(java_args)" = "$(default_java_args)
[-jar]
[$T/opt/vod-recorder/vod-recorder.jar]
[version]" ]
}

@test "an empty VOD_RECORDER_JAVA_OPTS means no JVM options at all; --print-java-opts and --print-jar say what would run" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-21" 21)
  JAVA_OPTS_FOR_TEST='' launch version
  [ "$status" -eq 0 ]
  [ "$(java_args)" = "[-jar]
[$CHECKOUT/target/vod-recorder.jar]
[version]" ]
  rm -f "$FAKE_JAVA_LOG"
  launch --print-java-opts
  [ "$status" -eq 0 ]
  [ "$output" = "$(default_java_args | tr -d '[]')" ]
  JAVA_OPTS_FOR_TEST='' launch --print-java-opts
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  launch --print-jar
  [ "$status" -eq 0 ]
  [ "$output" = "$CHECKOUT/target/vod-recorder.jar" ]
  [ ! -e "$FAKE_JAVA_LOG" ]
}

@test "with Java 25+ the AOT cache beside the jar is used when its stamp names this jar, JVM and options" {
  touch "$CHECKOUT/target/vod-recorder.aot"
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-25" 25.0.1)
  launch --print-aot-stamp
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "jar $CHECKOUT/target/vod-recorder.jar $(stat -c '%s %Y' "$CHECKOUT/target/vod-recorder.jar")" ]
  [ "${lines[1]}" = "jvm $T/jdk-25/bin/java $(stat -c '%s %Y' "$T/jdk-25/bin/java")" ]
  [ "${lines[2]}" = "options $(default_java_args | tr -d '[]' | paste -sd ' ')" ]
  printf '%s\n' "$output" >"$CHECKOUT/target/vod-recorder.aot.stamp"
  launch version
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$(java_args)" = "$(default_java_args)
[-XX:AOTCache=$CHECKOUT/target/vod-recorder.aot]
[-jar]
[$CHECKOUT/target/vod-recorder.jar]
[version]" ]
  # Options that name their own AOT option get no cache from the launcher.
  JAVA_OPTS_FOR_TEST='-XX:AOTMode=off' launch version
  [ "$(java_args | head -n 2)" = "[-XX:AOTMode=off]
[-jar]" ]

  # A new jar, other options: the cache would run the old jar's classes; it is not used, said in one line.
  JAVA_OPTS_FOR_TEST='-Xmx1g' launch version
  [ "$status" -eq 0 ]
  [ "$stderr" = "vod-recorder: $CHECKOUT/target/vod-recorder.aot is not used: it was made for another jar, JVM or JVM options; bin/make-aot-cache makes a new one" ]
  [[ $(java_args) != *AOTCache* ]]
  touch -d '2020-01-01' "$CHECKOUT/target/vod-recorder.jar"
  launch version
  [[ $stderr == *"vod-recorder.aot is not used"* ]]
  [[ $(java_args) != *AOTCache* ]]

  # Java 21 has no AOT cache; without the file there is none to use.
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-21" 21.0.6)
  launch version
  [ -z "$stderr" ]
  [[ $(java_args) != *AOTCache* ]]
  rm "$CHECKOUT/target/vod-recorder.aot"
  JAVA_HOME_FOR_TEST=$T/jdk-25 launch version
  [ -z "$stderr" ]
  [[ $(java_args) != *AOTCache* ]]
}

@test "VOD_RECORDER_JAR names the jar; a missing jar is exit status 2 with what to do, and nothing starts" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-21" 21)
  touch "$T/other.jar"
  JAR_FOR_TEST=$T/other.jar launch version
  [ "$status" -eq 0 ]
  [ "$(java_args | tail -n 2 | head -n 1)" = "[$T/other.jar]" ]
  rm -f "$FAKE_JAVA_LOG"

  JAR_FOR_TEST=$T/missing.jar launch version
  [ "$status" -eq 2 ]
  [ "$stderr" = "vod-recorder: no jar at $T/missing.jar (VOD_RECORDER_JAR)" ]
  rm "$CHECKOUT/target/vod-recorder.jar"
  launch version
  [ "$status" -eq 2 ]
  [[ $stderr == "vod-recorder: no vod-recorder.jar in $CHECKOUT or $CHECKOUT/target: build it with './mvnw -B package -DskipTests'"* ]]
  [ ! -e "$FAKE_JAVA_LOG" ]
}

@test "a JAVA_HOME older than 21 is passed over for java on the PATH, said in one line" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-17" 17.0.15)
  PATH_EXTRA=$(fake_java_home "$T/jdk-22" 22.0.2)/bin
  launch version
  [ "$status" -eq 0 ]
  [ "$stderr" = "vod-recorder: JAVA_HOME ($T/jdk-17) is Java 17; using Java 22 at $T/jdk-22/bin/java" ]
  [ "$(java_args | tail -n 1)" = "[version]" ]
}

@test "with no Java 21+ in JAVA_HOME or on the PATH, the newest in the JVM folder is taken" {
  PATH_EXTRA=$(fake_java_home "$T/path-jdk" 17.0.15)/bin
  JVM_DIR=$T/jvm
  fake_java_home "$JVM_DIR/java-11" 11.0.2
  fake_java_home "$JVM_DIR/jdk-21" 21.0.6
  fake_java_home "$JVM_DIR/temurin-25" 25
  fake_java_home "$JVM_DIR/jdk-23" 23.0.1
  mkdir -p "$JVM_DIR/not-a-jdk"
  launch --print-java
  [ "$status" -eq 0 ]
  [ "$output" = "$JVM_DIR/temurin-25/bin/java" ]
  [ "$stderr" = "vod-recorder: java on the PATH ($T/path-jdk/bin/java) is Java 17; using Java 25 at $JVM_DIR/temurin-25/bin/java" ]
}

@test "no Java 21+ anywhere: exit status 2 and one line with what was found and what to install" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk-17" 17.0.15)
  PATH_EXTRA=$(fake_java_home "$T/jre-8" 1.8.0_392)/bin
  JVM_DIR=$T/jvm
  fake_java_home "$JVM_DIR/java-11" 11.0.2
  fake_java_home "$JVM_DIR/java-17" 17
  launch run
  [ "$status" -eq 2 ]
  [ -z "$output" ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ $stderr == "vod-recorder: no Java 21 or newer: JAVA_HOME ($T/jdk-17) is Java 17; java on the PATH ($T/jre-8/bin/java) is Java 8; $JVM_DIR has Java 11 17. Install a JDK or JRE 21+ ("*") and set JAVA_HOME to it." ]]
  [[ $stderr == *"apt-get install openjdk-21-jre-headless"* ]]
  [ ! -e "$FAKE_JAVA_LOG" ]

  JAVA_HOME_FOR_TEST=$T/nowhere PATH_EXTRA='' JVM_DIR=$T/no-such-folder launch --print-java
  [ "$status" -eq 2 ]
  [[ $stderr == "vod-recorder: no Java 21 or newer: JAVA_HOME ($T/nowhere) has no bin/java; no java on the PATH; $T/no-such-folder has no Java. Install"* ]]
  JAVA_HOME_FOR_TEST='' PATH_EXTRA='' launch --print-java
  [ "$status" -eq 2 ]
  [[ $stderr == "vod-recorder: no Java 21 or newer: JAVA_HOME is not set; no java on the PATH;"* ]]
}

@test "the version comes from the JDK's release file when there is one, without starting java" {
  JAVA_HOME_FOR_TEST=$(fake_java_home "$T/jdk" 17.0.1)
  printf 'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n' >"$T/jdk/release"
  launch --print-java
  [ "$status" -eq 0 ]
  [ "$output" = "$T/jdk/bin/java" ]
  [ -z "$stderr" ]
}

@test "the real recorder through the launcher: version, and SIGTERM stops it gracefully with exit status 0" {
  require_recorder_jar
  work=$T/work
  mkdir -p "$work"
  # (standard error may say that an AOT cache made for an earlier build is not used)
  run --separate-stderr env -i PATH="$PATH" JAVA_HOME="$java_home" "$REPO_ROOT/bin/vod-recorder" version
  [ "$status" -eq 0 ]
  [[ $output == "vod-recorder "* ]]

  # Nothing listens on port 9 (discard) of this machine: the recorder starts and retries MediaMTX.
  (cd "$work" && exec env -i PATH="$PATH" HOME="$work" JAVA_HOME="$java_home" MEDIAMTX_API_URL=http://127.0.0.1:9 \
    HTTP_PORT=0 RECORDINGS_DIR="$work/recordings" VOD_RECORDER_JAVA_OPTS='-Xmx128m -XX:+UseSerialGC' \
    "$REPO_ROOT/bin/vod-recorder" run >"$work/recorder.log" 2>&1 3>&-) &
  pid=$!
  local deadline=$((SECONDS + 60))
  # the recorder's own layout (LogSetup): UTC time with milliseconds, level, thread, short logger name
  until grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z INFO  \[main\] Recorder - Start completed' \
    "$work/recorder.log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/recorder.log"; echo "the recorder exited"; return 1; }
    ((SECONDS < deadline)) || { cat "$work/recorder.log"; echo "the recorder did not start in 60 s"; return 1; }
    sleep 0.2
  done
  # exec: the launcher's process is the JVM, with the options from VOD_RECORDER_JAVA_OPTS.
  [[ $(readlink "/proc/$pid/exe") == */bin/java ]]
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qx -- '-Xmx128m'
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  grep -q 'Recorder - Shutdown completed' "$work/recorder.log"
  [ "$status" -eq 0 ]
}

@test "make-aot-cache trains the real recorder and leaves a cache that the launcher then uses (Java 25+)" {
  require_recorder_jar
  [[ $(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release") -ge 25 ]] ||
    skip "the AOT cache needs Java 25+; bin/vod-recorder found $java_home"
  prefix=$T/opt/vod-recorder
  mkdir -p "$prefix/bin"
  cp "$REPO_ROOT/bin/vod-recorder" "$REPO_ROOT/bin/make-aot-cache" "$prefix/bin/"
  cp "$jar" "$prefix/vod-recorder.jar"
  run --separate-stderr env -i PATH="$PATH" HOME="$T" JAVA_HOME="$java_home" "$prefix/bin/make-aot-cache"
  [ "$status" -eq 0 ]
  [[ $output == "make-aot-cache: $prefix/vod-recorder.aot ("*" bytes) for $prefix/vod-recorder.jar and "* ]]
  [ -s "$prefix/vod-recorder.aot" ]
  run env -i PATH="$PATH" JAVA_HOME="$java_home" "$prefix/bin/vod-recorder" --print-java-opts
  [ "${lines[-1]}" = "-XX:AOTCache=$prefix/vod-recorder.aot" ]
  run --separate-stderr env -i PATH="$PATH" JAVA_HOME="$java_home" "$prefix/bin/vod-recorder" version
  [ "$status" -eq 0 ]
  [[ $output == "vod-recorder "* ]]
  [ -z "$stderr" ]
}
