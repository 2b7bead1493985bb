package io.github.mediamtxvod.playlist;

import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.PlaylistCatalog;
import io.github.mediamtxvod.catalog.PlaylistSegment;
import io.github.mediamtxvod.catalog.PlaylistState;
import io.github.mediamtxvod.catalog.SegmentMedia;
import io.github.mediamtxvod.catalog.SessionSummary;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.upload.S3ObjectWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and publishes one playlist from the catalogue: plans it ({@link PlaylistPlan}), renders
 * it ({@link PlaylistText}), writes it below RECORDINGS_DIR (temp file and atomic rename, no fsync:
 * the file is derived from the catalogue; a folder retention already removed is not made again)
 * and uploads it to S3 after its segments, then records what was published. A text equal to the
 * one last published is not written again.
 * Failures are thrown: the playlist stays out of date and the caller retries it. Called on the
 * publisher's thread only.
 */
final class PlaylistBuilder {
    static final String FILE_NAME = "index.m3u8";
    private static final Logger log = LoggerFactory.getLogger(PlaylistBuilder.class);

    private final PlaylistCatalog catalog;
    private final S3ObjectWriter s3;
    private final Path recordingsDir;
    private final Duration targetFloor;
    private final boolean webhooks;
    /** Files already reported as unreadable: a playlist is rebuilt often, the warning is given once. */
    private final Set<String> unreadable = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    });

    PlaylistBuilder(PlaylistCatalog catalog, S3ObjectWriter s3, Path recordingsDir, Duration targetFloor,
            boolean webhooks) {
        this.catalog = catalog;
        this.s3 = s3;
        this.recordingsDir = recordingsDir;
        this.targetFloor = targetFloor;
        this.webhooks = webhooks;
    }

    /**
     * What a publish did.
     *
     * @param changed whether a new text was written (for a session: its day playlist is out of date)
     * @param complete whether the text is complete ({@code #EXT-X-ENDLIST})
     * @param listed how many segments it lists
     */
    record Published(boolean changed, boolean complete, int listed) {
        static final Published NOTHING = new Published(false, false, 0);
    }

    /** Publishes a session playlist; {@code ended} says whether the session's FFmpeg is gone. */
    Published publishSession(PlaylistState state, boolean ended) throws IOException {
        List<PlaylistSegment> segments = withMedia(catalog.sessionSegments(state.stream(), state.sessionStart()));
        if (segments.isEmpty()) {
            catalog.sessionPublished(state, null, false, null, webhooks);
            return Published.NOTHING;
        }
        String folder = segments.getFirst().entry().segment().sessionPath();
        PlaylistPlan plan = PlaylistPlan.of(segments, s3.enabled(), Segment::fileName);
        boolean finalPlaylist = ended && plan.complete();
        String published = publish(folder + "/" + FILE_NAME, plan, finalPlaylist, state.publishedSha256());
        SessionSummary finished = null;
        if (finalPlaylist && plan.settled() + plan.missing() > 0 && plan.first() != null) {
            String playlist = plan.items().isEmpty() ? null : keyOf(folder + "/" + FILE_NAME);
            finished = new SessionSummary(state.stream(), state.sessionStart(), folder, plan.first(), plan.last(),
                    plan.settled(), plan.missing(), plan.settledBytes(), s3.enabled() ? s3.keyOf(folder) : null, playlist);
        } else if (finalPlaylist) {
            // every segment of it is missing: nothing to announce
            log.info("{} - session {} ended without a segment in place; no playlist", state.stream(), folder);
        }
        catalog.sessionPublished(state, published, finalPlaylist, finished, webhooks);
        return outcome(state, published, plan, finalPlaylist);
    }

    /** Publishes a day playlist; {@code ended} says whether every session of the day ended. */
    Published publishDay(PlaylistState state, boolean ended) throws IOException {
        String folder = SegmentLayout.safeStreamName(state.stream()) + "/" + state.day();
        List<PlaylistSegment> segments = withMedia(catalog.daySegments(state.stream(), state.day()));
        PlaylistPlan plan = PlaylistPlan.of(segments, s3.enabled(),
                segment -> segment.relativePath().substring(folder.length() + 1));
        boolean finalPlaylist = ended && plan.complete();
        String published = publish(folder + "/" + FILE_NAME, plan, finalPlaylist, state.publishedSha256());
        catalog.dayPublished(state, published, finalPlaylist);
        return outcome(state, published, plan, finalPlaylist);
    }

    private static Published outcome(PlaylistState state, String published, PlaylistPlan plan, boolean finalPlaylist) {
        return new Published(published != null && !published.equals(state.publishedSha256()), finalPlaylist,
                plan.items().size());
    }

    /** Writes and uploads the playlist unless it is empty or unchanged; returns its SHA-256, or null. */
    private String publish(String relativePath, PlaylistPlan plan, boolean finalPlaylist, String lastSha256)
            throws IOException {
        if (plan.items().isEmpty()) {
            return null;
        }
        byte[] text = PlaylistText.render(plan.items(), targetFloor, finalPlaylist).getBytes(StandardCharsets.UTF_8);
        String sha256 = sha256(text);
        if (sha256.equals(lastSha256)) {
            restoreLocal(relativePath, text);
            return sha256;
        }
        writeLocal(relativePath, text);
        if (s3.enabled()) {
            s3.put(relativePath, text, PlaylistText.CONTENT_TYPE, finalPlaylist ? null : "no-cache");
        }
        log.debug("{} - published with {} segments{}", relativePath, plan.items().size(), finalPlaylist ? ", complete" : "");
        return sha256;
    }

    /** The key a webhook names the playlist by: in S3 when uploads are on, else below RECORDINGS_DIR. */
    private String keyOf(String relativePath) {
        return s3.enabled() ? s3.keyOf(relativePath) : relativePath;
    }

    /**
     * Writes the local file again unless it holds {@code text}: it was published, but written
     * without fsync, a power loss may have undone it (S3 acknowledged its copy durably).
     */
    private void restoreLocal(String relativePath, byte[] text) throws IOException {
        Path target = recordingsDir.resolve(relativePath);
        try {
            if (Files.size(target) == text.length && Arrays.equals(Files.readAllBytes(target), text)) {
                return;
            }
        } catch (NoSuchFileException e) {
            // missing: written below, unless retention removed its folder
        }
        writeLocal(relativePath, text);
    }

    private void writeLocal(String relativePath, byte[] text) throws IOException {
        Path target = recordingsDir.resolve(relativePath);
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            return; // retention removed the folder with its last file; S3 keeps the recording
        }
        Path temp = dir.resolve("." + FILE_NAME + ".tmp");
        // temp file and atomic rename: a reader sees the old playlist or the new one, never half.
        // No fsync: the file is derived. What it should list is in the catalogue, and the playlist
        // stays out of date there until this publish is recorded; after a power loss a playlist
        // that lost its last write is rebuilt at the next start (every open session is ended then,
        // which makes its playlist out of date). An fsync per publish cost more than the rest.
        Files.write(temp, text);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The segments, with media facts read now for those that lack them and still have their
     * local file (a segment found at start, or one whose facts describe an older file).
     */
    private List<PlaylistSegment> withMedia(List<PlaylistSegment> segments) {
        List<PlaylistSegment> result = new ArrayList<>(segments.size());
        for (PlaylistSegment segment : segments) {
            result.add(segment.mediaCurrent() ? segment : readMedia(segment));
        }
        return result;
    }

    private PlaylistSegment readMedia(PlaylistSegment segment) {
        Entry entry = segment.entry();
        Segment file = entry.segment();
        if (!entry.localPresent() || OutputFormat.fromFileName(file.fileName()) != OutputFormat.MP4) {
            return segment;
        }
        Path local = file.file(recordingsDir);
        try {
            SegmentMedia media = SegmentMediaReader.read(local);
            if (media.sizeBytes() != file.sizeBytes()) {
                return segment; // the file changed since it was catalogued: it is uploaded again first
            }
            catalog.recordMedia(file.relativePath(), media);
            return new PlaylistSegment(entry, media);
        } catch (IOException e) {
            if (unreadable.add(file.relativePath())) {
                log.warn("{} - cannot read it for the playlist, it is left out: {}", file.relativePath(), e.getMessage());
            }
            return segment;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
