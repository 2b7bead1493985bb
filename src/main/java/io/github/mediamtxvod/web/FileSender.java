package io.github.mediamtxvod.web;

import io.github.mediamtxvod.recording.OutputFormat;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends one local file with validators ({@code ETag}, {@code Last-Modified}), conditional GET
 * (304) and single byte ranges (206/416, {@code If-Range}), so players can seek. A file that grows
 * while it is sent (a segment being recorded) is sent up to the size it had when the answer began.
 * Blocks the calling (virtual) thread while it copies.
 */
final class FileSender {
    static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final int BUFFER_SIZE = 64 * 1024;

    private FileSender() {}

    /** The media type of a file served from RECORDINGS_DIR, by its extension. */
    static String contentType(String fileName) {
        OutputFormat format = OutputFormat.fromFileName(fileName);
        if (format != null) {
            return format.contentType();
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".m3u8")) {
            return "application/vnd.apple.mpegurl";
        }
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith(".csv")) {
            return "text/csv; charset=utf-8";
        }
        if (lower.endsWith(".txt") || lower.endsWith(".log")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    static boolean send(Request request, Response response, Callback callback, Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        long size = attributes.size();
        Instant modified = attributes.lastModifiedTime().toInstant();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified.toEpochMilli()) + "\"";
        String lastModified = HTTP_DATE.format(modified);
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put(HttpHeader.ETAG, etag);
        response.getHeaders().put(HttpHeader.LAST_MODIFIED, lastModified);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");

        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(etag))) {
            response.setStatus(304);
            response.write(true, ByteBuffer.allocate(0), callback);
            return true;
        }
        String range = request.getHeaders().get(HttpHeader.RANGE);
        String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
        if (ifRange != null && !ifRange.trim().equals(etag) && !ifRange.trim().equals(lastModified)) {
            range = null;
        }
        String contentType = contentType(file.getFileName().toString());
        switch (RangeHeader.decide(range, size)) {
            case RangeHeader.Whole whole -> {
                response.setStatus(200);
                return body(request, response, callback, file, contentType, 0, size);
            }
            case RangeHeader.Part part -> {
                response.setStatus(206);
                response.getHeaders()
                        .put(HttpHeader.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + size);
                return body(request, response, callback, file, contentType, part.first(), part.length());
            }
            case RangeHeader.Unsatisfiable unsatisfiable -> {
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                return Replies.error(request, response, callback, 416, "range not satisfiable");
            }
        }
    }

    private static boolean body(
            Request request, Response response, Callback callback, Path file, String contentType, long offset,
            long length) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (HttpMethod.HEAD.is(request.getMethod()) || length == 0) {
            response.write(true, ByteBuffer.allocate(0), callback);
            return true;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                OutputStream out = Content.Sink.asOutputStream(response)) {
            copy(channel, out, offset, length);
        } catch (IOException e) {
            // most often the client went away mid-transfer (a player seeking); nothing to tell it
            callback.failed(e);
            return true;
        }
        callback.succeeded();
        return true;
    }

    private static void copy(FileChannel channel, OutputStream out, long offset, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_SIZE, length));
        long position = offset;
        long remaining = length;
        while (remaining > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new EOFException("file shrank while it was sent");
            }
            out.write(buffer.array(), 0, read);
            position += read;
            remaining -= read;
        }
    }
}
