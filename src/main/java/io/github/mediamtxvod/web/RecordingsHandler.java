package io.github.mediamtxvod.web;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /recordings/...}: the folders of RECORDINGS_DIR as browsable listings and its files as
 * seekable downloads. A segment whose local file is gone (deleted after its confirmed upload) is
 * still served at the same URL, relayed from S3 through a presigned URL, so a segment has one URL
 * for its whole life. Every path goes through {@link RecordingPath}.
 */
final class RecordingsHandler implements Request.Handler {
    static final String MOUNT = "/recordings/";

    private final Path recordingsDir;
    private final RecorderView view;
    private final S3Relay relay;

    RecordingsHandler(Path recordingsDir, RecorderView view, S3Relay relay) {
        this.recordingsDir = recordingsDir;
        this.view = view;
        this.relay = relay;
    }

    /** The URL of a file or folder given by its '/'-separated path relative to RECORDINGS_DIR. */
    static String url(String relativePath) {
        return MOUNT + RecordingPath.encodePath(relativePath);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Replies.requireMethod(request, response, HttpMethod.GET);
        String rawPath = request.getHttpURI().getPath();
        RecordingPath path = RecordingPath.parse(rawPath.substring(MOUNT.length()));
        Path realRoot = realRoot();
        Path target = realRoot == null ? null : path.resolveExisting(realRoot);
        if (target == null) {
            return missing(request, response, callback, path);
        }
        if (Files.isDirectory(target)) {
            if (!path.trailingSlash()) {
                String location = url(path.relative()) + "/";
                Response.sendRedirect(request, response, callback, 301, location, true);
                return true;
            }
            return list(request, response, callback, path, target, realRoot);
        }
        if (path.trailingSlash() || !Files.isRegularFile(target)) {
            throw HttpProblem.notFound();
        }
        try {
            return FileSender.send(request, response, callback, target);
        } catch (NoSuchFileException e) {
            // deleted between the check and the read (retention): maybe it is in S3 by now
            return missing(request, response, callback, path);
        }
    }

    private boolean list(
            Request request, Response response, Callback callback, RecordingPath path, Path directory,
            Path realRoot) throws IOException {
        List<DirectoryListing.Entry> entries = DirectoryListing.read(directory, realRoot);
        String urlPath = path.segments().isEmpty() ? MOUNT : url(path.relative()) + "/";
        String page = DirectoryListing.render(urlPath, entries, !path.segments().isEmpty());
        return Replies.html(request, response, callback, 200, page);
    }

    private boolean missing(Request request, Response response, Callback callback, RecordingPath path) {
        if (path.segments().isEmpty() || path.trailingSlash()) {
            throw HttpProblem.notFound();
        }
        String relative = path.relative();
        Optional<URI> presigned = view.catalog().segment(relative).flatMap(view::presignedUrl);
        if (presigned.isEmpty()) {
            throw HttpProblem.notFound();
        }
        return relay.relay(request, response, callback, relative, presigned.get());
    }

    /** RECORDINGS_DIR with links resolved, or null while it does not exist. */
    private Path realRoot() throws IOException {
        try {
            return recordingsDir.toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
