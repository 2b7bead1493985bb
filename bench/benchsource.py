"""The test source of the benchmarks: a pre-encoded sample, the project's RTSP test server with
looping publishers, and a stand-in for MediaMTX's Control API. Standard library only.
"""

import datetime
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid

import benchlib

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
SAMPLE_SECONDS = 30


def log(message):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


# ---------------------------------------------------------------------------------------------
# The test source

def encode_sample(cache_dir):
    """A ~2 Mbit/s H264 1280x720@25 (GOP 1 s, SPS/PPS before every IDR) + AAC MPEG-TS, cached."""
    target = os.path.join(cache_dir, "sample-720p25-2mbit-gop1s-%ds.ts" % SAMPLE_SECONDS)
    if os.path.isfile(target) and os.path.getsize(target) > 0:
        return target
    os.makedirs(cache_dir, exist_ok=True)
    log("encoding the %d s sample once: %s" % (SAMPLE_SECONDS, target))
    partial = target + ".partial"
    subprocess.run([
        "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-b:v", "1900k", "-maxrate", "1900k", "-bufsize", "1900k",
        "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "96k",
        "-t", str(SAMPLE_SECONDS), "-f", "mpegts", partial], check=True)
    os.replace(partial, target)
    return target


def free_udp_ports(count):
    """Distinct free loopback UDP ports below the kernel's ephemeral range.

    The RTSP server binds a path's port only when a reader arrives, seconds later; a port from
    the ephemeral range could meanwhile be taken by any socket bound to port 0, such as a
    publisher's own sending socket (then the path answers 503).
    """
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    candidates = list(range(10000, ephemeral_low))
    random.shuffle(candidates)
    ports = []
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("not enough free UDP ports below %d" % ephemeral_low)


class RtspSource:
    """The project's RTSP test server with N paths and one looping publisher per path."""

    def __init__(self, names, sample, work):
        self.names = names
        self.sample = sample
        self.work = work
        self.server = None
        self.port = None
        self.publishers = []

    def start(self):
        ports = dict(zip(self.names, free_udp_ports(len(self.names))))
        command = [PYTHON, os.path.join(PROJECT, "src/test/python/rtsp_server.py"), "--port", "0"]
        for name, port in ports.items():
            command += ["--path", "%s=%d" % (name, port)]
        self.server_log = open(os.path.join(self.work, "rtsp-server.log"), "w")
        self.server = subprocess.Popen(benchlib.die_with_us(command), stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=self.server_log, text=True)
        line = self.server.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError("RTSP test server did not start: %r (see %s)" % (line, self.server_log.name))
        self.port = int(line.split()[1])
        # Keep draining its event lines so that it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        publisher_log = open(os.path.join(self.work, "publishers.log"), "w")
        for name, port in ports.items():
            self.publishers.append(subprocess.Popen(benchlib.die_with_us([
                "ffmpeg", "-hide_banner", "-nostats", "-loglevel", "warning",
                "-stream_loop", "-1", "-re", "-i", self.sample, "-map", "0", "-c", "copy",
                "-f", "mpegts", "udp://127.0.0.1:%d?pkt_size=1316" % port]),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=publisher_log))
        return self

    def _drain(self):
        with open(os.path.join(self.work, "rtsp-server-events.log"), "w") as events:
            for line in self.server.stdout:
                events.write(line)

    def url(self):
        return "rtsp://127.0.0.1:%d" % self.port

    def cpu(self):
        """CPU seconds so far of the server and the publishers together."""
        total = 0.0
        for popen in [self.server] + self.publishers:
            stat = benchlib.read_stat(popen.pid)
            if stat is not None:
                total += stat["cpu"]
        return total

    def alive(self):
        return all(p.poll() is None for p in [self.server] + self.publishers)

    def stop(self):
        for publisher in self.publishers:
            benchlib.stop_process(publisher, signal.SIGINT, 5)
        if self.server is not None and self.server.poll() is None:
            self.server.stdin.close()  # the server exits when its standard input closes
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                benchlib.stop_process(self.server)


# ---------------------------------------------------------------------------------------------
# The MediaMTX Control API stand-in, JSON shaped like MediaMTX v1.20.1 (see FakeMediaMtx.java)

def go_time(dt):
    text = dt.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def path_item(name, since):
    when = go_time(since)
    inbound = 1_000_000 + int(uuid.uuid5(uuid.NAMESPACE_URL, name).int % 1_000_000)
    return {
        "name": name,
        "confName": "all_others",
        "ready": True,
        "readyTime": when,
        "available": True,
        "availableTime": when,
        "online": True,
        "onlineTime": when,
        "source": {"type": "rtspSession", "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name + "/source"))},
        "tracks": ["H264", "MPEG-4 Audio"],
        "tracks2": [
            {"codec": "H264", "codecProps": {"width": 1280, "height": 720, "profile": "High", "level": "3.1"}},
            {"codec": "MPEG-4 Audio", "codecProps": {"sampleRate": 48000, "channelCount": 2}},
        ],
        "readers": [],
        "inboundBytes": inbound,
        "outboundBytes": 0,
        "inboundFramesInError": 0,
        "bytesReceived": inbound,
        "bytesSent": 0,
    }


class FakeApi:
    """MediaMTX's Control API as far as the recorder asks it: /v3/paths/list (paged) and
    /v3/paths/get/{name}; set_live() takes a path off the list (its publisher stopped)."""

    def __init__(self, names):
        since = datetime.datetime.now(datetime.timezone.utc)
        live = {name: path_item(name, since) for name in names}
        requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                requests.append(time.monotonic())
                if url.path.startswith("/v3/paths/get/"):
                    item = live.get(urllib.parse.unquote(url.path[len("/v3/paths/get/"):]))
                    if item is None:
                        self._send(404, {"status": "error", "error": "path not found"})
                    else:
                        self._send(200, item)
                    return
                if url.path != "/v3/paths/list":
                    self._send(404, {"status": "error", "error": "not found"})
                    return
                query = urllib.parse.parse_qs(url.query)
                per_page = int(query.get("itemsPerPage", ["100"])[0] or 100)
                page = int(query.get("page", ["0"])[0] or 0)
                items = [live[name] for name in sorted(live)]
                page_count = (len(items) + per_page - 1) // per_page
                self._send(200, {"itemCount": len(items), "pageCount": page_count,
                                 "items": items[page * per_page:(page + 1) * per_page]})

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.live = live
        self.since = since
        self.requests = requests
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set_live(self, name, live):
        """Puts a path on the list, or takes it off (then /v3/paths/get answers 404)."""
        if live:
            self.live[name] = path_item(name, self.since)
        else:
            self.live.pop(name, None)

    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
