#!/usr/bin/python3
"""Checks of the compose stack's files that need no Docker engine; called by compose.bats.

  stack_checks.py compose RENDERED.yml ENV_FILE [--secrets]
      Checks the output of `docker-compose config` against what the stack promises.
  stack_checks.py mediamtx MEDIAMTX.yml OPENAPI.yaml
      Checks every key of mediamtx.yml against MediaMTX's API description (GlobalConf, PathConf).
  stack_checks.py hook MEDIAMTX.yml KEY PATH_NAME TOKEN
      Runs the hook command KEY of pathDefaults in MEDIAMTX.yml the way MediaMTX does (shell-quote
      split, variables expanded, no shell), with BusyBox's wget (as in the stack's MediaMTX image) or
      curl (as on a host), against a local HTTP server standing in for the recorder, and prints the
      request the recorder would receive as JSON.

Exit status 0 when every check passes; otherwise each failure is printed and the status is 1.
"""

import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading

import yaml

SERVICES = {"mediamtx", "minio", "minio-init", "vod-recorder"}
RECORDER_URL = re.compile(r"^http://(?P<host>[a-z0-9.-]+):(?P<port>[0-9]+)(?P<rest>/.*)$")

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def finish():
    for message in failures:
        print("FAILED: " + message)
    return 1 if failures else 0


def read_env_file(path):
    values = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line.rstrip("\n"))
            if match:
                values[match.group(1)] = match.group(2)
    return values


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: (None if value is None else str(value)) for key, value in env.items()}


def depends_on(service):
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def seconds(value):
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", str(value))
    if not match or not any(match.groups()):
        return float(value)
    return int(match.group(1) or 0) * 60 + float(match.group(2) or 0)


def published_targets(service):
    targets = set()
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            targets.add(int(port["target"]))
        else:
            targets.add(int(str(port).split(":")[-1].split("/")[0]))
    return targets


def check_compose(rendered_path, env_path, secrets):
    with open(rendered_path, encoding="utf-8") as file:
        config = yaml.safe_load(file)
    env = read_env_file(env_path)
    services = config.get("services", {})
    check(set(services) == SERVICES, f"services are {sorted(services)}, expected {sorted(SERVICES)}")
    if set(services) != SERVICES:
        return

    for name, service in services.items():
        image = service.get("image", "")
        if name == "vod-recorder":
            check("build" in service, "vod-recorder is not built from the Dockerfile")
            continue
        tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
        check(tag not in ("", "latest"), f"{name}: image '{image}' is not pinned to a tag")
    check(services["mediamtx"]["image"] == "bluenviron/mediamtx:1.20.1-ffmpeg",
          "mediamtx must use the -ffmpeg variant of 1.20.1 (the hooks need its wget)")

    for name in ("mediamtx", "minio"):
        check("test" in (services[name].get("healthcheck") or {}), f"{name} has no healthcheck")

    recorder = services["vod-recorder"]
    renv = environment(recorder)
    check(renv.get("RECORDINGS_DIR") == "/recordings", "vod-recorder: RECORDINGS_DIR is not pinned to /recordings")
    check(renv.get("HTTP_PORT") == "8080", "vod-recorder: HTTP_PORT is not pinned to 8080")
    check(renv.get("FFMPEG_PATH") == "ffmpeg", "vod-recorder: FFMPEG_PATH is not pinned to ffmpeg")
    for key in ("MEDIAMTX_API_URL", "MEDIAMTX_RTSP_URL", "MEDIAMTX_API_USER", "MEDIAMTX_API_PASSWORD",
                "S3_ENDPOINT_URL", "S3_BUCKET_NAME", "HOOK_TOKEN"):
        check(renv.get(key) == env.get(key), f"vod-recorder: {key} does not come from .env (env_file)")
    check(renv.get("MEDIAMTX_API_URL", "").startswith("http://mediamtx:"),
          "vod-recorder: MEDIAMTX_API_URL does not point at the mediamtx service")
    check(renv.get("S3_ENDPOINT_URL", "").startswith("http://minio:"),
          "vod-recorder: S3_ENDPOINT_URL does not point at the minio service")
    check(depends_on(recorder) == {"mediamtx": "service_healthy", "minio": "service_healthy",
                                   "minio-init": "service_completed_successfully"},
          f"vod-recorder: depends_on is {depends_on(recorder)}")
    check(seconds(recorder.get("stop_grace_period", 10)) > 10,
          "vod-recorder: stop_grace_period must exceed the recorder's 10 s shutdown")
    check(recorder.get("stop_signal", "SIGTERM") == "SIGTERM", "vod-recorder: stop_signal is not SIGTERM")
    check(recorder.get("init") is True, "vod-recorder: init is not enabled")
    check(8080 in published_targets(recorder), "vod-recorder: port 8080 is not published")
    volumes = recorder.get("volumes") or []
    check(any((v.get("source"), v.get("target")) == ("recordings", "/recordings") if isinstance(v, dict)
              else str(v).startswith("recordings:/recordings") for v in volumes),
          "vod-recorder: the named volume 'recordings' is not mounted at /recordings")
    check("recordings" in (config.get("volumes") or {}), "the named volume 'recordings' is not declared")

    mediamtx = services["mediamtx"]
    menv = environment(mediamtx)
    check(menv.get("MTX_AUTHINTERNALUSERS_2_USER") == env.get("MEDIAMTX_API_USER"),
          "mediamtx: the recorder's API user is not MEDIAMTX_API_USER from .env")
    check(menv.get("MTX_AUTHINTERNALUSERS_2_PASS") == env.get("MEDIAMTX_API_PASSWORD"),
          "mediamtx: the recorder's API password is not MEDIAMTX_API_PASSWORD from .env")
    check(menv.get("HOOK_TOKEN") == env.get("HOOK_TOKEN"), "mediamtx: HOOK_TOKEN is not passed for the hooks")
    check(8554 in published_targets(mediamtx), "mediamtx: RTSP port 8554 is not published")
    check(9001 in published_targets(services["minio"]), "minio: console port 9001 is not published")
    check(9997 not in published_targets(mediamtx), "mediamtx: the API port should stay inside the stack")

    init = services["minio-init"]
    check(depends_on(init) == {"minio": "service_healthy"}, "minio-init must wait for a healthy minio")
    ienv = environment(init)
    check(ienv.get("S3_BUCKET_NAME") == env.get("S3_BUCKET_NAME", "vod"),
          "minio-init: S3_BUCKET_NAME differs from the recorder's")

    networks = config.get("networks") or {}
    check((networks.get("backend") or {}).get("internal") is True, "the backend network is not internal")
    for name in ("minio-init",):
        check(set(services[name].get("networks") or {}) == {"backend"}, f"{name} must only be on the backend network")

    if secrets:
        for name in ("vod-recorder", "minio-init"):
            senv = environment(services[name])
            for key in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
                check(senv.get(key + "_FILE") == "/run/secrets/" + key.lower(),
                      f"{name}: {key}_FILE does not point at its Docker secret")
            names = {s if isinstance(s, str) else s.get("source") for s in services[name].get("secrets") or []}
            check(names == {"s3_access_key_id", "s3_secret_access_key"}, f"{name}: secrets are {names}")
        check(set(config.get("secrets") or {}) == {"s3_access_key_id", "s3_secret_access_key"},
              "the S3 secrets are not declared")


def resolve(schema, spec):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def check_value(where, value, schema, spec):
    schema = resolve(schema, spec)
    if "enum" in schema and value is not None:
        check(value in schema["enum"], f"{where}: '{value}' is not one of {schema['enum']}")
    if schema.get("type") == "array" and isinstance(value, list):
        for index, item in enumerate(value):
            check_value(f"{where}[{index}]", item, schema.get("items", {}), spec)
    if schema.get("type") == "object" and isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            check(key in schema["properties"], f"{where}.{key} is not a MediaMTX setting")
            if key in schema["properties"]:
                check_value(f"{where}.{key}", item, schema["properties"][key], spec)


def check_mediamtx(config_path, openapi_path):
    with open(config_path, encoding="utf-8") as file:
        config = yaml.safe_load(file)
    with open(openapi_path, encoding="utf-8") as file:
        spec = yaml.safe_load(file)
    schemas = spec["components"]["schemas"]
    global_conf = schemas["GlobalConf"]["properties"]
    path_conf = schemas["PathConf"]["properties"]

    for key, value in config.items():
        if key in ("pathDefaults", "paths"):
            continue
        if check(key in global_conf, f"'{key}' is not a global MediaMTX setting"):
            check(not global_conf[key].get("deprecated"), f"'{key}' is deprecated in this MediaMTX version")
            check_value(key, value, global_conf[key], spec)
    for key, value in (config.get("pathDefaults") or {}).items():
        if check(key in path_conf, f"pathDefaults.{key} is not a MediaMTX path setting"):
            check(not path_conf[key].get("deprecated"), f"pathDefaults.{key} is deprecated in this MediaMTX version")
            check_value("pathDefaults." + key, value, path_conf[key], spec)
    for name, settings in (config.get("paths") or {}).items():
        for key in (settings or {}):
            check(key in path_conf, f"paths.{name}.{key} is not a MediaMTX path setting")

    check(config.get("api") is True, "the Control API is not enabled")
    check(str(config.get("apiAddress", "")).endswith(":9997"), "the Control API does not listen on 9997")
    check(str(config.get("rtspAddress", ":8554")).endswith(":8554"), "RTSP does not listen on 8554")
    users = config.get("authInternalUsers") or []
    recorder_user = users[2] if len(users) > 2 else {}
    actions = {permission.get("action") for permission in recorder_user.get("permissions") or []}
    check("api" in actions, "authInternalUsers[2] (the recorder, set from the environment) lacks the api action")
    check(recorder_user.get("ips") in ([], None), "authInternalUsers[2] must not be limited to some IPs")
    everyone = {permission.get("action") for user in users if user.get("user") == "any" and not user.get("ips")
                for permission in user.get("permissions") or []}
    check({"publish", "read"} <= everyone, "anyone should be allowed to publish and read (MediaMTX's default)")
    check("all_others" in (config.get("paths") or {}), "paths.all_others is missing: other path names would be refused")

    defaults = config.get("pathDefaults") or {}
    for key, endpoint in (("runOnAvailable", "/api/hooks/ready"), ("runOnUnavailable", "/api/hooks/not-ready")):
        command = defaults.get(key) or ""
        check(endpoint + "?path=$MTX_PATH" in command, f"{key} does not call {endpoint} with $MTX_PATH")
        check("$HOOK_TOKEN" in command, f"{key} does not send HOOK_TOKEN")
        parts = shlex.split(command) or [""]
        check(parts[0] == "wget", f"{key} must call wget (the only client in the -ffmpeg image)")
        url = next((part for part in parts if part.startswith("http://")), "")
        match = RECORDER_URL.match(url)
        check(match is not None and match.group("host") == "vod-recorder" and match.group("port") == "8080",
              f"{key} must call the vod-recorder service on its pinned port 8080, not '{url}'")


def expand(text, variables):
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)",
                  lambda m: variables.get(m.group(1) or m.group(2), ""), text)


class Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        Recorder.requests.append({"method": "POST", "path": self.path,
                                  "authorization": self.headers.get("Authorization"), "body": body})
        payload = b'{"accepted":true}'
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def run_hook(config_path, key, path_name, token):
    with open(config_path, encoding="utf-8") as file:
        command = yaml.safe_load(file)["pathDefaults"][key]
    variables = {"MTX_PATH": path_name, "HOOK_TOKEN": token}
    # MediaMTX up to v1.20 expands the whole command, then splits it; newer versions split first and
    # expand each part. The command must mean the same either way.
    argv = [expand(part, variables) for part in shlex.split(command)]
    check(argv == shlex.split(expand(command, variables)), f"{key}: expanding before or after splitting differs")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        local = f"http://127.0.0.1:{server.server_address[1]}"
        argv = [RECORDER_URL.sub(lambda m: local + m.group("rest"), part) for part in argv]
        client = {"wget": ["busybox"], "curl": []}.get(argv[0])
        if check(client is not None, f"{key}: the command is neither wget nor curl"):
            result = subprocess.run(client + argv, capture_output=True, text=True, timeout=30, check=False)
            check(result.returncode == 0, f"{key}: {argv[0]} exited {result.returncode}: {result.stderr.strip()}")
    finally:
        server.shutdown()
        server.server_close()
    check(len(Recorder.requests) == 1, f"{key}: expected one request, got {len(Recorder.requests)}")
    for request in Recorder.requests:
        print(json.dumps(request))


def main(args):
    if len(args) >= 3 and args[0] == "compose":
        check_compose(args[1], args[2], "--secrets" in args[3:])
    elif len(args) == 3 and args[0] == "mediamtx":
        check_mediamtx(args[1], args[2])
    elif len(args) == 5 and args[0] == "hook":
        run_hook(args[1], args[2], args[3], args[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
