#!/usr/bin/python3
"""Loopback RTSP server for the integration tests of mediamtx-vod.

Serves several paths on one TCP port. Each path is fed by a publisher that sends a live MPEG-TS
(H264, optionally AAC) to a loopback UDP port; the server re-serves it over RTSP without
re-encoding: udpsrc -> tsdemux -> h264parse -> rtph264pay (and aacparse -> rtpmp4gpay).
The payloaders are created when tsdemux exposes its pads, so video-only publishers work too.

Behaviour (modelled on MediaMTX where it matters to a recording client):
- A path's media is shared: every reader of a path reads the same pipeline.
- The media, and so the UDP socket of the path, exists only while at least one reader is connected.
- A reader of an unknown path gets 404 at once.
- A reader of a known path that connects while nobody publishes waits in DESCRIBE. If a publisher
  starts within about 20 s (GstRTSPMedia's fixed preparation timeout) the reader gets the stream;
  otherwise the server answers 503 and the reader fails.
- When a path's publisher stops (no data for --stop-timeout seconds, default 2), the server closes
  the connections of that path's readers, so a reading ffmpeg sees EOF and exits, and the next
  reader gets a fresh pipeline.
- RTCP sender reports map RTP times to the wall clock on one line (the capture time), so a reader
  that syncs its streams on them sees no jump in the middle of a session.

Command line: --port P (0 = any free port) --path name=udpport ... (path names may contain '/')
  [--auth user:password [--auth-method basic|digest]] (readers must authenticate, as with MediaMTX's
  authInternalUsers; default method basic).
Standard output, one line per event:
  READY <port>                        once listening
  OK <command>                        a control command succeeded (the command is echoed)
  ERR <message>                       a control command failed
  MEDIA <name>                        a reader made the server create a pipeline for <name>
  PUBLISHING <name>                   a media of <name> received its first data
  UNPUBLISHED <name> <readers>        publisher of <name> stopped, <readers> connections closed
Standard input, one command per line:
  add <name> <udpport>
  remove <name>
  watch <pid>                         kill this process (SIGKILL) when the server exits
The server exits on SIGTERM/SIGINT or when standard input reaches EOF (its owner is gone).
"""

import argparse
import os
import signal
import sys
import threading
import time
import traceback

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
gi.require_version("GstRtsp", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

LOOPBACK = "127.0.0.1"
# Socket receive buffer, capped by the kernel at net.core.rmem_max (4 MiB on the build machine):
# seconds of stream, so a busy machine stalling this process loses no datagram.
UDP_BUFFER_BYTES = 4 * 1024 * 1024
MONITOR_INTERVAL_MS = 200
# The role readers get when --auth is on; every path factory grants it access.
READER_ROLE = "reader"


_emit_lock = threading.Lock()


def emit(line):
    # Client threads and the main loop both report events; keep each line whole.
    with _emit_lock:
        _write(sys.stdout, line)


def log(message):
    _write(sys.stderr, "rtsp_server: " + message)


def _write(stream, line):
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        # The owner is gone (broken pipe); the server is about to exit and must not fail first.
        pass


class Feed:
    """One media pipeline of a path: the UDP socket plus demuxer and payloaders."""

    def __init__(self, path_name, udp_port):
        self.path_name = path_name
        self.media = None
        self.last_data = 0.0
        self.had_data = False
        self.announced = False
        self.stopped = False
        self._payloaders = 0
        self._pending_caps = set()
        self._demux_done = False
        self._prepared = False
        self._lock = threading.Lock()
        self.element = self._build(udp_port)

    def _build(self, udp_port):
        # GstRTSPMedia looks for "dynpay%d" among the children of the element, so nest the bin.
        self.dynpay = Gst.Bin.new("dynpay0")
        source = Gst.ElementFactory.make("udpsrc", "source")
        source.set_property("address", LOOPBACK)
        source.set_property("port", udp_port)
        source.set_property("reuse", False)
        source.set_property("buffer-size", UDP_BUFFER_BYTES)
        source.set_property("caps", Gst.Caps.from_string("video/mpegts,systemstream=(boolean)true"))
        # The socket thread only reads and queues; demuxing (and Python callbacks) run behind it.
        socket_queue = Gst.ElementFactory.make("queue", "socket_queue")
        socket_queue.set_property("max-size-buffers", 0)
        socket_queue.set_property("max-size-time", 0)
        socket_queue.set_property("max-size-bytes", 16 * 1024 * 1024)
        demux = Gst.ElementFactory.make("tsdemux", "demux")
        for element in (source, socket_queue, demux):
            self.dynpay.add(element)
        source.link(socket_queue)
        socket_queue.link(demux)
        demux.connect("pad-added", self._on_pad_added)
        demux.connect("no-more-pads", self._on_no_more_pads)
        outer = Gst.Bin.new("media")
        outer.add(self.dynpay)
        return outer

    def _on_pad_added(self, demux, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        kind = caps.get_structure(0).get_name()
        if kind == "video/x-h264":
            names = ["queue", "h264parse", "rtph264pay"]
        elif kind == "audio/mpeg":
            names = ["queue", "aacparse", "rtpmp4gpay"]
        else:
            log("%s - ignoring stream %s (%s)" % (self.path_name, pad.get_name(), kind))
            names = ["fakesink"]
        elements = [Gst.ElementFactory.make(name) for name in names]
        for element in elements:
            self.dynpay.add(element)
        for upstream, downstream in zip(elements, elements[1:]):
            upstream.link(downstream)
        payloader = elements[-1] if names[-1] != "fakesink" else None
        if payloader is not None:
            self._expose(payloader, kind)
        # Start the new elements before data can reach them, then let the demuxer push.
        for element in elements:
            element.sync_state_with_parent()
        pad.add_probe(Gst.PadProbeType.BUFFER, self._on_data)
        pad.link(elements[0].get_static_pad("sink"))

    def _expose(self, payloader, kind):
        index = self._payloaders
        self._payloaders += 1
        payloader.set_property("pt", 96 + index)
        # config-interval stays 0: libx264 repeats SPS/PPS in-band before every IDR, and a second
        # copy from the payloader makes ffmpeg's parser split each key frame into two packets.
        if kind == "video/x-h264":
            payloader.set_property("config-interval", 0)
        src = payloader.get_static_pad("src")
        with self._lock:
            self._pending_caps.add(index)
        src.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, self._on_payloader_event, index, kind)
        ghost = Gst.GhostPad.new("src_%d" % index, src)
        ghost.set_active(True)
        # GstRTSPMedia creates an RTSP stream for this pad in its pad-added handler.
        self.dynpay.add_pad(ghost)

    def _on_payloader_event(self, pad, info, index, kind):
        event = info.get_event()
        if event.type == Gst.EventType.CAPS:
            structure = event.parse_caps().get_structure(0)
            # The SDP is built from these caps; H264 is usable once it carries SPS/PPS.
            if kind != "video/x-h264" or structure.has_field("sprop-parameter-sets"):
                with self._lock:
                    self._pending_caps.discard(index)
                self._maybe_prepared()
                return Gst.PadProbeReturn.REMOVE
        return Gst.PadProbeReturn.OK

    def _on_no_more_pads(self, demux):
        self._demux_done = True
        self._maybe_prepared()

    def _maybe_prepared(self):
        # Called from the streaming threads of audio and video: signal exactly once.
        with self._lock:
            ready = self._demux_done and not self._pending_caps and not self._prepared
            self._prepared = self._prepared or ready
        if ready:
            # Lets GstRTSPMedia finish preparing: DESCRIBE waits until here.
            self.dynpay.no_more_pads()

    def _on_data(self, pad, info):
        self.last_data = time.monotonic()
        self.had_data = True
        return Gst.PadProbeReturn.OK


class PathFactory(GstRtspServer.RTSPMediaFactory):
    """Creates the shared media of one path. Replaced by a fresh factory when the publisher stops."""

    def __init__(self, path, with_auth):
        super().__init__()
        self.path = path
        self.set_shared(True)
        if with_auth:
            self.add_role_from_structure(Gst.Structure.from_string(
                READER_ROLE + ", media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0])
        self.connect("media-configure", self._on_media_configure)
        self._created = []

    def do_create_element(self, url):
        feed = Feed(self.path.name, self.path.udp_port)
        self._created.append(feed)
        return feed.element

    def _on_media_configure(self, factory, media):
        element = media.get_element()
        element.get_parent().connect("deep-element-added", self._on_element_added)
        for feed in self._created:
            if feed.element == element:
                self._created.remove(feed)
                feed.media = media
                self.path.feeds.append(feed)
                media.connect("unprepared", self.path.on_unprepared, feed)
                emit("MEDIA %s" % self.path.name)
                return

    @staticmethod
    def _on_element_added(pipeline, bin_, element):
        # Sender reports as MediaMTX sends them: each maps an RTP time to the wall clock in the same
        # way. GStreamer's default takes the time a report is sent, which moves with the pipeline's
        # latency, and FFmpeg's RTSP reader re-bases a stream's timestamps on every report, so its
        # recording jumped by up to seconds in the middle of a session. The time the media was
        # captured keeps every report on one line.
        factory = element.get_factory()
        if factory is not None and factory.get_name() == "rtpbin":
            element.set_property("rtcp-sync-send-time", False)


class Path:
    def __init__(self, name, udp_port, with_auth):
        self.name = name
        self.udp_port = udp_port
        self.with_auth = with_auth
        self.feeds = []
        self.factory = None

    def mount(self):
        return "/" + self.name

    def new_factory(self):
        self.factory = PathFactory(self, self.with_auth)
        return self.factory

    def on_unprepared(self, media, feed):
        if feed in self.feeds:
            self.feeds.remove(feed)


class Server:
    def __init__(self, port, stop_timeout, auth=None, auth_method="basic"):
        self.stop_timeout = stop_timeout
        self.with_auth = auth is not None
        self.paths = {}
        self.watched = {}
        self.rtsp = GstRtspServer.RTSPServer()
        self.rtsp.set_address(LOOPBACK)
        self.rtsp.set_service(str(port))
        # The default pool runs every client on one thread, so one waiting DESCRIBE blocks all.
        self.rtsp.get_thread_pool().set_max_threads(-1)
        self.mounts = self.rtsp.get_mount_points()
        if auth is not None:
            self.rtsp.set_auth(make_auth(auth, auth_method))
        self.loop = GLib.MainLoop()
        self._stdin_buffer = b""

    def start(self):
        if self.rtsp.attach(None) == 0:
            raise SystemExit("cannot listen on %s:%s" % (LOOPBACK, self.rtsp.get_service()))
        GLib.timeout_add(MONITOR_INTERVAL_MS, self._monitor)
        GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT,
                          GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, self._on_stdin)
        for signum in (signal.SIGTERM, signal.SIGINT):
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, self._quit)
        emit("READY %d" % self.rtsp.get_bound_port())

    def run(self):
        try:
            self.loop.run()
        finally:
            self._kill_watched()

    def add_path(self, name, udp_port):
        if not name or name.startswith("/") or any(c.isspace() for c in name) or ".." in name.split("/"):
            raise ValueError("invalid path name %r" % name)
        if name in self.paths:
            raise ValueError("path %s already exists" % name)
        if any(p.udp_port == udp_port for p in self.paths.values()):
            raise ValueError("udp port %d already used" % udp_port)
        if not 0 < udp_port < 65536:
            raise ValueError("invalid udp port %d" % udp_port)
        path = Path(name, udp_port, self.with_auth)
        self.paths[name] = path
        self.mounts.add_factory(path.mount(), path.new_factory())
        log("%s - added, udp port %d" % (name, udp_port))

    def remove_path(self, name):
        path = self.paths.pop(name, None)
        if path is None:
            raise ValueError("no path %s" % name)
        self.mounts.remove_factory(path.mount())
        closed = self._close_readers([feed.media for feed in path.feeds])
        log("%s - removed, %d connections closed" % (name, closed))

    def _monitor(self):
        # An exception escaping a GLib callback would silently cancel it; log it and go on.
        try:
            self._check_publishers()
        except Exception:  # noqa: BLE001
            log("monitor failed: %s" % traceback.format_exc())
        return True

    def _check_publishers(self):
        now = time.monotonic()
        for path in list(self.paths.values()):
            for feed in list(path.feeds):
                if feed.had_data and not feed.announced:
                    feed.announced = True
                    emit("PUBLISHING %s" % path.name)
                if feed.had_data and not feed.stopped and now - feed.last_data > self.stop_timeout:
                    feed.stopped = True
                    self._unpublish(path, feed)

    def _unpublish(self, path, feed):
        # New readers must get a fresh pipeline, never the stale shared one.
        self.mounts.add_factory(path.mount(), path.new_factory())
        closed = self._close_readers([feed.media])
        emit("UNPUBLISHED %s %d" % (path.name, closed))

    def _close_readers(self, medias):
        """Closes the connections (and sessions) of every client that reads one of medias."""
        medias = [m for m in medias if m is not None]
        if not medias:
            return 0

        def reads_media(session):
            found = []

            def check(sess, session_media):
                if session_media.get_media() in medias:
                    found.append(session_media)
                return GstRtspServer.RTSPFilterResult.KEEP

            session.filter(check)
            return bool(found)

        pool = self.rtsp.get_session_pool()
        removed_sessions = pool.filter(
            lambda p, s: GstRtspServer.RTSPFilterResult.REF if reads_media(s)
            else GstRtspServer.RTSPFilterResult.KEEP)
        closing = []

        def check_client(server, client):
            sessions = client.session_filter(
                lambda c, s: GstRtspServer.RTSPFilterResult.REF if reads_media(s)
                else GstRtspServer.RTSPFilterResult.KEEP)
            if sessions:
                closing.append(client)
                return GstRtspServer.RTSPFilterResult.REMOVE
            return GstRtspServer.RTSPFilterResult.KEEP

        self.rtsp.client_filter(check_client)
        for session in removed_sessions:
            pool.remove(session)
        return len(closing)

    def _on_stdin(self, fd, condition):
        data = os.read(fd, 4096) if condition & GLib.IO_IN else b""
        if not data:
            self.loop.quit()
            log("standard input closed, exiting")
            return False
        self._stdin_buffer += data
        while b"\n" in self._stdin_buffer:
            line, self._stdin_buffer = self._stdin_buffer.split(b"\n", 1)
            self._command(line.decode("utf-8", "replace").strip())
        return True

    def _command(self, line):
        words = line.split()
        try:
            if len(words) == 3 and words[0] == "add":
                self.add_path(words[1], int(words[2]))
            elif len(words) == 2 and words[0] == "remove":
                self.remove_path(words[1])
            elif len(words) == 2 and words[0] == "watch":
                self._watch(int(words[1]))
            elif not words:
                return
            else:
                raise ValueError("unknown command %r" % line)
            emit("OK " + " ".join(words))
        except ValueError as e:
            emit("ERR %s" % e)
        except Exception as e:  # noqa: BLE001
            # Keep the control channel alive: it is also how the server learns its owner is gone.
            log("command %r failed: %s" % (line, traceback.format_exc()))
            emit("ERR %s failed: %s" % (line, e))

    def _watch(self, pid):
        self.watched[pid] = process_start_time(pid)

    def _kill_watched(self):
        for pid, started in self.watched.items():
            # Only the very process that was watched, never a later one that reuses the pid.
            if started is not None and process_start_time(pid) == started:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _quit(self):
        self.loop.quit()
        return False


def process_start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            # Field 22 (starttime); split after the command name, which may contain spaces.
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def make_auth(credentials, method):
    """Readers must send these credentials (user:password) with this method (basic or digest)."""
    user, _, password = credentials.partition(":")
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, READER_ROLE)
    auth = GstRtspServer.RTSPAuth()
    if method == "digest":
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        auth.add_digest(user, password, token)
    else:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    return auth


def parse_path(text):
    name, separator, port = text.rpartition("=")
    if not separator:
        raise argparse.ArgumentTypeError("expected name=udpport, got %r" % text)
    return name, int(port)


def main():
    parser = argparse.ArgumentParser(description="Loopback RTSP test server")
    parser.add_argument("--port", type=int, default=0, help="RTSP TCP port, 0 = any free port")
    parser.add_argument("--path", type=parse_path, action="append", default=[],
                        metavar="NAME=UDPPORT", help="a path and the UDP port its publisher sends to")
    parser.add_argument("--stop-timeout", type=float, default=2.0,
                        help="seconds without data after which a publisher counts as stopped")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="readers must authenticate")
    parser.add_argument("--auth-method", choices=["basic", "digest"], default="basic")
    args = parser.parse_args()
    Gst.init(None)
    server = Server(args.port, args.stop_timeout, args.auth, args.auth_method)
    for name, udp_port in args.path:
        try:
            server.add_path(name, udp_port)
        except ValueError as e:
            parser.error(str(e))
    server.start()
    server.run()


if __name__ == "__main__":
    main()
