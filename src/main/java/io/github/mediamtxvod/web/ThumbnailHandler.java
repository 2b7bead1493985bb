package io.github.mediamtxvod.web;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/thumbnail?stream=NAME&at=INSTANT[&width=N]}: a JPEG, {@code width} pixels wide
 * ({@value #MIN_WIDTH} to {@value #MAX_WIDTH}, default {@value #DEFAULT_WIDTH}; the height keeps the
 * aspect ratio), of the keyframe nearest {@code at} in the segment that holds that instant: the
 * catalogued segment (from the local file, or from S3 when the local file is gone) or the segment
 * being recorded now. Header {@code X-Frame-Time} is the wall-clock time of the frame shown.
 *
 * <p>400 for a missing or bad parameter; 404 for a stream with no recordings, an instant with no
 * recording (a gap), a recording whose file is gone, or one without video or not in MP4; 503 when
 * too many are being made. This handler only looks the segment up in the catalogue; the work is
 * the {@link ThumbnailMaker}'s.
 */
final class ThumbnailHandler implements Request.Handler {
    static final String PATH = "/api/thumbnail";
    static final int DEFAULT_WIDTH = 320;
    static final int MIN_WIDTH = 160;
    static final int MAX_WIDTH = 1920;

    private final TimelineReader reader;
    private final RecorderView view;
    private final Path recordingsDir;
    private final ThumbnailMaker maker;

    ThumbnailHandler(TimelineReader reader, RecorderView view, Path recordingsDir, ThumbnailMaker maker) {
        this.reader = reader;
        this.view = view;
        this.recordingsDir = recordingsDir;
        this.maker = maker;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Replies.requireMethod(request, response, HttpMethod.GET);
        QueryParameters parameters = QueryParameters.of(request);
        String stream = parameters.requiredName("stream");
        Instant at = parameters.requiredInstant("at");
        int width = parameters.integer("width", DEFAULT_WIDTH, MIN_WIDTH, MAX_WIDTH);
        ThumbnailMaker.Target target = locate(stream, at);
        ThumbnailMaker.Image image;
        try {
            image = maker.make(target, at, width);
        } catch (HttpProblem problem) {
            if (problem.status() != 404 || target.localFile() == null || target.s3Url() != null) {
                throw problem;
            }
            // the local file went while S3 was not yet confirmed when the segment was looked up:
            // it has been uploaded since and retention deleted it; the catalogue now says where
            target = locate(stream, at);
            image = maker.make(target, at, width);
        }
        // a finished segment never changes; the one being recorded may offer a nearer keyframe soon
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, target.finished() ? "private, max-age=86400" : "no-store");
        response.getHeaders().put("X-Frame-Time", image.frameTime().toString());
        return Replies.bytes(request, response, callback, 200, "image/jpeg", image.jpeg());
    }

    private ThumbnailMaker.Target locate(String stream, Instant at) {
        List<Timeline.Piece> pieces = reader.pieces(stream, at.minus(Timeline.GAP_TOLERANCE), at.plusMillis(1));
        Timeline.Piece piece = Timeline.covering(pieces, at);
        if (piece != null) {
            return finished(stream, piece);
        }
        TimelineReader.Live live = reader.live().get(stream);
        if (live != null && Timeline.startedBy(live.since(), at) && live.relativePath() != null && isMp4(live.relativePath())) {
            return new ThumbnailMaker.Target(stream, live.relativePath(), live.since(), -1,
                    recordingsDir.resolve(live.relativePath()), null, false);
        }
        boolean known = live != null
                || !view.catalog().segmentsWithoutTotal(new CatalogView.Query(stream, null, null, 0, 1, false)).isEmpty();
        throw new HttpProblem(404, known ? "no recording of this stream at that time" : "no recordings of this stream");
    }

    private ThumbnailMaker.Target finished(String stream, Timeline.Piece piece) {
        Entry entry = piece.entry();
        Segment segment = piece.segment();
        if (!piece.storage().playable()) {
            throw new HttpProblem(404, "the recording at that time is gone: its file vanished before it was uploaded");
        }
        if (!isMp4(segment.relativePath())) {
            throw new HttpProblem(404, "thumbnails are made from MP4 segments only");
        }
        Path local = entry.localPresent() ? segment.file(recordingsDir) : null;
        // also beside a local file: retention deletes the file once S3 confirmed it, maybe while
        // the thumbnail is being made, and the maker then reads the copy in S3
        URI s3 = view.presignedUrl(entry).orElse(null);
        if (local == null && s3 == null) {
            throw new HttpProblem(404, "the recording at that time is not readable from S3");
        }
        return new ThumbnailMaker.Target(stream, segment.relativePath(), segment.start(), segment.sizeBytes(), local, s3,
                true);
    }

    private static boolean isMp4(String relativePath) {
        return OutputFormat.fromFileName(relativePath) == OutputFormat.MP4;
    }
}
