package io.github.mediamtxvod.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.mp4.IndexedSource;
import io.github.mediamtxvod.mp4.MuxResult;
import io.github.mediamtxvod.mp4.PlaybackException;
import io.github.mediamtxvod.mp4.PlaybackMuxer;
import io.github.mediamtxvod.recording.OutputFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MediaMTX's playback API on the recorder's port, so a client written for MediaMTX's playback
 * server works unchanged: {@code GET /list} answers the recorded time spans of a path from the
 * catalogue alone; {@code GET /get} answers a range as one fragmented MP4 (streamed as it is cut,
 * {@code format=fmp4}, the default) or plain MP4 with the moov first ({@code format=mp4}), cut on
 * keyframes, across segments and sessions, from local files or, once retention deleted them, from S3.
 * Errors are MediaMTX's {@code {"status":"error","error":"..."}}: 400 for bad parameters, 404 when
 * nothing is recorded there, 503 when too many {@code /get}s run at once.
 *
 * <p>Threading: runs on the request's virtual thread; file reads and catalogue queries go through
 * {@link PlaybackIo}, S3 reads stay on virtual threads. Memory per {@code /get}: one fragment at a
 * time for fMP4; the sample tables of the range for MP4 (about 2 MB per hour) plus its moofs from S3.
 */
final class PlaybackHandler implements Request.Handler {
    static final String LIST = "/list";
    static final String GET = "/get";
    /** {@code /get}s served at the same time; more are answered 503 at once. */
    static final int MAX_CONCURRENT_GETS = 32;

    private static final Logger log = LoggerFactory.getLogger(PlaybackHandler.class);
    private static final int OUTPUT_BUFFER = 64 * 1024;

    private final RecorderView view;
    private final Path recordingsDir;
    private final Duration maxDuration;
    private final PlaybackMuxer muxer;
    private final PlaybackIo io;
    private final Semaphore gets = new Semaphore(MAX_CONCURRENT_GETS);

    PlaybackHandler(RecorderView view, Path recordingsDir, Duration maxDuration, PlaybackIo io) {
        this.view = view;
        this.recordingsDir = recordingsDir.toAbsolutePath().normalize();
        this.maxDuration = maxDuration;
        this.muxer = new PlaybackMuxer(maxDuration);
        this.io = io;
    }

    /** Whether {@code path} is one of the playback API's, whose errors take MediaMTX's form. */
    static boolean handles(String path) {
        return path.equals(LIST) || path.equals(GET);
    }

    /** MediaMTX's error answer: {@code {"status":"error","error":"..."}}. */
    static boolean error(Request request, Response response, Callback callback, int status, String message) {
        ObjectNode body = Replies.JSON.createObjectNode();
        body.put("status", "error");
        body.put("error", message);
        return Replies.json(request, response, callback, status, body);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        Replies.requireMethod(request, response, HttpMethod.GET);
        return request.getHttpURI().getPath().equals(LIST) ? list(request, response, callback)
                : get(request, response, callback);
    }

    private boolean list(Request request, Response response, Callback callback) throws IOException {
        PlaybackRequest.ListQuery query = PlaybackRequest.list(QueryParameters.of(request));
        CatalogView catalog = view.catalog();
        List<CatalogView.Extent> extents =
                io.call(() -> catalog.extents(query.path(), OutputFormat.MP4, query.start(), query.end()));
        List<PlaybackSpans.Span> spans = PlaybackSpans.of(extents, query.start(), query.end());
        if (spans.isEmpty()) {
            throw new HttpProblem(404, "no recordings found for the path" + (query.start() == null
                    && query.end() == null ? "" : " in the given time range"));
        }
        String host = host(request);
        ArrayNode body = Replies.JSON.createArrayNode();
        for (PlaybackSpans.Span span : spans) {
            Duration urlDuration = span.duration().compareTo(maxDuration) > 0 ? maxDuration : span.duration();
            body.addObject()
                    .put("start", PlaybackTime.format(span.start()))
                    .put("duration", PlaybackTime.secondsValue(span.duration()))
                    .put("url", PlaybackUrl.get(host, query.path(), span.start(), urlDuration));
        }
        return Replies.json(request, response, callback, 200, body);
    }

    private boolean get(Request request, Response response, Callback callback) throws IOException {
        PlaybackRequest.GetQuery query = PlaybackRequest.get(QueryParameters.of(request), maxDuration);
        if (!gets.tryAcquire()) {
            throw new HttpProblem(503, "too many playback downloads at once (" + MAX_CONCURRENT_GETS + "); retry shortly");
        }
        try {
            List<Entry> entries = io.call(() -> view.catalog().overlapping(query.path(), query.start(), query.end()));
            if (entries.isEmpty()) {
                throw new HttpProblem(404, "no recordings found for the path between " + PlaybackTime.format(query.start())
                        + " and " + PlaybackTime.format(query.end()));
            }
            List<Entry> mp4 = entries.stream()
                    .filter(entry -> OutputFormat.fromFileName(entry.segment().fileName()) == OutputFormat.MP4).toList();
            if (mp4.isEmpty()) {
                throw HttpProblem.badRequest("the recordings of this range are not fragmented MP4 (OUTPUT_FORMAT=mkv"
                        + " or ts); only MP4 recordings can be cut; download their segments instead");
            }
            return send(request, response, callback, query, playedOnce(mp4));
        } finally {
            gets.release();
        }
    }

    private boolean send(Request request, Response response, Callback callback, PlaybackRequest.GetQuery query,
            List<Entry> entries) {
        Output output = new Output(request, response, query);
        try (PlaybackSources reader = new PlaybackSources(view, recordingsDir, io)) {
            List<IndexedSource> sources = reader.indexed(entries);
            if (sources.isEmpty()) {
                throw new HttpProblem(404, "the recordings of this range are neither on disk nor in S3");
            }
            if (query.format() == PlaybackRequest.Format.MP4) {
                sources = MoofPrefetch.prefetch(sources, query.start(), query.end());
            }
            OutputStream out = new BufferedOutputStream(output, OUTPUT_BUFFER);
            MuxResult result = query.format() == PlaybackRequest.Format.MP4
                    ? muxer.writeMp4(sources, query.start(), query.duration(), out)
                    : muxer.writeFmp4(sources, query.start(), query.duration(), query.origin(), out);
            out.flush();
            output.close();
            log.debug("{} - served {} from {} ({} segments, {} bytes)", query.path(), query.format(), result.firstSample(),
                    result.sourcesUsed(), result.bytes());
            callback.succeeded();
        } catch (HeadAnswered head) {
            response.write(true, ByteBuffer.allocate(0), callback);
        } catch (PlaybackException e) {
            return failed(request, response, callback, query, status(e.reason()), e.getMessage(), e, output);
        } catch (IOException e) {
            String message = output.writeFailed ? "the client went away" : "cannot read the recording: " + e.getMessage();
            return failed(request, response, callback, query, 502, message, e, output);
        }
        return true;
    }

    /**
     * The entries (oldest first) without those of an earlier session that begin after a later
     * session began: at the change of day both sessions record for a moment, and what the earlier
     * one recorded then is in the later one too. The muxer plays the rest of the overlap once.
     */
    static List<Entry> playedOnce(List<Entry> entries) {
        List<Entry> kept = new ArrayList<>(entries.size());
        Instant latestSession = Instant.MIN;
        for (Entry entry : entries) {
            Instant session = entry.segment().sessionStart();
            if (session.isBefore(latestSession)) {
                continue;
            }
            latestSession = session;
            kept.add(entry);
        }
        return kept;
    }

    private static int status(PlaybackException.Reason reason) {
        return switch (reason) {
            case NO_MEDIA -> 404;
            case INVALID_REQUEST -> 400;
            case UNSUPPORTED_INPUT, INCONSISTENT_TRACKS -> 500;
        };
    }

    private static boolean failed(Request request, Response response, Callback callback,
            PlaybackRequest.GetQuery query, int status, String message, Exception cause, Output output) {
        if (output.writeFailed) {
            log.debug("{} - /get from {} ended early: {}", query.path(), query.start(), cause.toString());
        } else if (status >= 500) {
            log.warn("{} - /get from {} failed: {}", query.path(), query.start(), message);
        }
        if (response.isCommitted()) {
            callback.failed(cause); // bytes went out: only aborting the answer tells the client
            return true;
        }
        response.getHeaders().remove(HttpHeader.CONTENT_DISPOSITION);
        return error(request, response, callback, status, message);
    }

    /** The Host header as the client sent it (host and port), for URLs back to this server. */
    private static String host(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host == null || host.isBlank() ? request.getHttpURI().getAuthority() : host;
    }

    /** Thrown at the first byte of a HEAD request: the headers are all it wants. */
    private static final class HeadAnswered extends IOException {
        private static final long serialVersionUID = 1L;

        HeadAnswered() {
            super("HEAD", null);
        }
    }

    /**
     * The response body: status and headers are set at the first byte (so a failure before it can
     * still be a JSON error, as the muxer promises none after bytes went out), and write failures
     * (the client went away) are told apart from read failures.
     */
    private static final class Output extends OutputStream {
        private final Request request;
        private final Response response;
        private final PlaybackRequest.GetQuery query;
        private OutputStream body;
        boolean writeFailed;

        Output(Request request, Response response, PlaybackRequest.GetQuery query) {
            this.request = request;
            this.response = response;
            this.query = query;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                open().write(bytes, offset, length);
            } catch (HeadAnswered head) {
                throw head;
            } catch (IOException e) {
                writeFailed = true;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            if (body != null) {
                try {
                    body.flush();
                } catch (IOException e) {
                    writeFailed = true;
                    throw e;
                }
            }
        }

        @Override
        public void close() throws IOException {
            try {
                open().close();
            } catch (IOException e) {
                writeFailed = !(e instanceof HeadAnswered);
                throw e;
            }
        }

        private OutputStream open() throws IOException {
            if (body == null) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "video/mp4");
                response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "none");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                if (query.format() == PlaybackRequest.Format.MP4) {
                    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                            "attachment; filename=\"" + PlaybackFileName.of(query) + "\"");
                }
                if (HttpMethod.HEAD.is(request.getMethod())) {
                    throw new HeadAnswered();
                }
                body = Content.Sink.asOutputStream(response);
            }
            return body;
        }
    }
}
