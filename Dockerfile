# Container image of the vod-recorder.
#
# Stage 1 builds the shaded jar with the Maven Wrapper; stage 2 runs it on Debian 12 (bookworm) with
# the Eclipse Temurin 25 JRE and Debian's FFmpeg, and makes the JVM's AOT cache of the recorder.
#
# Why Debian 12 and not the JRE image's own Ubuntu or Alpine: the recorder's integration tests run
# against Debian 12's FFmpeg (5.1.x), so the image ships exactly the FFmpeg the FFmpeg arguments,
# the segment list and the graceful stop were tested with, on glibc (sqlite-jdbc loads a native
# library). Debian's ffmpeg package pulls in Mesa/LLVM through libavdevice, which makes the image
# larger than an Alpine one would be (see docs/DEPLOYMENT.md); correctness was preferred over size.
#
# Only classic Dockerfile instructions are used (no RUN --mount, no COPY --chmod), so the image builds
# with the legacy builder that docker-compose v1 uses as well as with BuildKit.

ARG BUILD_IMAGE=eclipse-temurin:25-jdk-noble
# Java 25 (LTS) for its AOT cache (JEP 483/514/515), made below; the jar itself targets Java 21.
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble
ARG RUNTIME_BASE=debian:bookworm-slim

############################################################################
FROM ${BUILD_IMAGE} AS build
WORKDIR /src

# Dependencies first: this layer is rebuilt only when pom.xml or the wrapper change, not on every
# source change. go-offline does not catch every plugin dependency; the package step below fetches
# the rest, so it runs online.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN chmod +x mvnw \
 && ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.11.0:go-offline

COPY src/ src/
# Tests run in CI, not in the image build; maven.test.skip also skips compiling them.
RUN ./mvnw -B -q package -Dmaven.test.skip=true \
 && test -s target/vod-recorder.jar

############################################################################
FROM ${JRE_IMAGE} AS jre

############################################################################
FROM ${RUNTIME_BASE}

# C.UTF-8 makes the JVM encode file names as UTF-8 (sun.jnu.encoding follows the locale), so stream
# names outside ASCII become correct folder names; it needs no locales package.
ENV JAVA_HOME=/opt/java/openjdk \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
ENV PATH="${JAVA_HOME}/bin:${PATH}"

# The Temurin JRE is a self-contained directory built for glibc; copying it is the way Temurin
# documents for other base images.
COPY --from=jre /opt/java/openjdk /opt/java/openjdk

# ffmpeg: the recorder runs one FFmpeg per stream. curl: the HEALTHCHECK (a few hundred kB; a
# health check with `java` would start a second JVM every 30 s). ca-certificates: rtsps:// sources.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && ffmpeg -hide_banner -version | head -n 1 \
 && java -version

# A fixed, non-root UID/GID so that volume permissions and Kubernetes' runAsNonRoot checks are stable.
RUN groupadd --system --gid 10001 vod \
 && useradd --system --uid 10001 --gid vod --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin vod \
 && mkdir -p /app /recordings \
 && chown vod:vod /recordings

# The launcher finds the jar beside its bin/ folder (/app/vod-recorder.jar) and the JRE through
# JAVA_HOME, as on a host (bin/vod-recorder).
COPY --from=build /src/target/vod-recorder.jar /app/vod-recorder.jar
COPY bin/vod-recorder /app/bin/vod-recorder
COPY bin/make-aot-cache /app/bin/make-aot-cache
COPY docker/healthcheck.sh /usr/local/bin/vod-healthcheck
RUN chmod 0755 /app/bin/vod-recorder /app/bin/make-aot-cache /usr/local/bin/vod-healthcheck

# JVM options: the launcher's defaults (bin/vod-recorder; measured in docs/PERFORMANCE.md): the
# serial collector with a heap of 16 MB growing to at most 256 MB (the FFmpeg processes share the
# container's memory limit) and an exit on OutOfMemoryError so that the restart policy
# starts a clean JVM (every segment's state is durable on disk). Setting VOD_RECORDER_JAVA_OPTS
# replaces them (and then the AOT cache below is not used); JAVA_TOOL_OPTIONS adds to them.
#
# The AOT cache: a training run of the recorder in this image (about 30 s: it starts with MediaMTX
# and S3 unreachable, is asked for its pages and API, and stops) leaves /app/vod-recorder.aot, with
# the classes it loads ready linked and profiled; the launcher uses it for this jar, this JVM and
# these options, which halves the CPU of each start.
RUN /app/bin/make-aot-cache

ENV RECORDINGS_DIR=/recordings \
    HTTP_PORT=8080 \
    FFMPEG_PATH=ffmpeg

WORKDIR /app
USER 10001:10001
VOLUME ["/recordings"]
EXPOSE 8080

# The recorder stops every FFmpeg gracefully on SIGTERM and exits 0 within 10 s; give it longer
# (docker stop -t 30, compose stop_grace_period: 30s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["vod-healthcheck", "/health"]

# Exec form, and the launcher execs the JVM: the JVM itself receives SIGTERM (no shell in between
# that would swallow it). `docker compose run --rm vod-recorder check` replaces CMD.
ENTRYPOINT ["/app/bin/vod-recorder"]
CMD ["run"]
