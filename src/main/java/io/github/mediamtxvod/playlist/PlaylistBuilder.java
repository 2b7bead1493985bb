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
import java.nio.file.StandardOpenOption;
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
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and publishes one playlist from the catalogue: plans it ({@link PlaylistPlan}), renders
 * it ({@link PlaylistText}), writes it below RECORDINGS_DIR (temp file and atomic rename, no fsync:
 * the file is derived from the catalogue; a folder retention already removed is not made again)
 * and uploads it to S3 after its segments, then records what was published. A text equal to the
 * one last published is not written again. An open session playlist this run published already
 * is continued instead ({@link Tail}): only the segments after it are read and rendered, and the
 * file with them appended is put, so that the cost of a publish does not grow with the session.
 * Failures are thrown: the playlist stays out of date and the caller retries it. Called on the
 * publisher's thread only.
 */
final class PlaylistBuilder {
    static final String FILE_NAME = "index.m3u8";
    private static final Logger log = LoggerFactory.getLogger(PlaylistBuilder.class);
    /** Open sessions whose last publish is remembered; beyond, the least recent one is made whole next time. */
    private static final int MAX_TAILS = 4096;
    /**
     * How long a session playlist is continued before it is rebuilt whole again: a change to a
     * segment it already covers (a segment catalogued late, after a catalogue outage; one uploaded
     * again) shows within this time.
     */
    static final Duration REBUILD_AFTER = Duration.ofMinutes(10);

    private final PlaylistCatalog catalog;
    private final S3ObjectWriter s3;
    private final Path recordingsDir;
    private final Duration targetFloor;
    private final boolean webhooks;
    /** The open session playlists published in this run, least recently published first. */
    private final Map<PublishSchedule.Key, Tail> tails = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PublishSchedule.Key, Tail> eldest) {
            return size() > MAX_TAILS;
        }
    };
    private int appends;
    private final LongSupplier nanoTime;
    /** Files already reported as unreadable: a playlist is rebuilt often, the warning is given once. */
    private final Set<String> unreadable = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    });

    PlaylistBuilder(PlaylistCatalog catalog, S3ObjectWriter s3, Path recordingsDir, Duration targetFloor,
            boolean webhooks) {
        this(catalog, s3, recordingsDir, targetFloor, webhooks, System::nanoTime);
    }

    /** As above, with the monotonic clock that dates whole rebuilds ({@link #REBUILD_AFTER}) injected. */
    PlaylistBuilder(PlaylistCatalog catalog, S3ObjectWriter s3, Path recordingsDir, Duration targetFloor,
            boolean webhooks, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
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

    /**
     * Publishes a session playlist; {@code ended} says whether the session's FFmpeg is gone. After
     * a publish of this run the next one appends what was added ({@link Tail}). The whole text is
     * made at the first publish of a run, after a failure, when the target duration grows, when a
     * segment could not be listed (it is tried again), every {@link #REBUILD_AFTER}, and at the
     * end of the session, so that the complete playlist and the session's summary always come
     * from the whole catalogue.
     */
    Published publishSession(PlaylistState state, boolean ended) throws IOException {
        PublishSchedule.Key key = PublishSchedule.Key.of(state);
        Tail tail = tails.remove(key); // a publish that fails leaves none: the next one makes the whole text
        if (tail != null && !ended && tail.sha256().equals(state.publishedSha256())
                && nanoTime.getAsLong() - tail.rebuiltAtNanos() < REBUILD_AFTER.toNanos()) {
            Published appended = append(key, state, tail);
            if (appended != null) {
                return appended;
            }
        }
        List<PlaylistSegment> segments = withMedia(catalog.sessionSegments(state.stream(), state.sessionStart()));
        if (segments.isEmpty()) {
            catalog.sessionPublished(state, null, false, null, webhooks);
            return Published.NOTHING;
        }
        String folder = segments.getFirst().entry().segment().sessionPath();
        String relativePath = folder + "/" + FILE_NAME;
        PlaylistPlan plan = PlaylistPlan.of(segments, s3.enabled(), Segment::fileName);
        boolean finalPlaylist = ended && plan.complete();
        Text text = Text.of(plan, targetFloor, finalPlaylist);
        String published = publish(relativePath, text, plan.items().size(), finalPlaylist, state.publishedSha256());
        SessionSummary finished = null;
        if (finalPlaylist && plan.consumed() > 0 && plan.first() != null) {
            String playlist = plan.items().isEmpty() ? null : keyOf(folder + "/" + FILE_NAME);
            finished = new SessionSummary(state.stream(), state.sessionStart(), folder, plan.first(), plan.last(),
                    plan.settled(), plan.missing(), plan.settledBytes(), s3.enabled() ? s3.keyOf(folder) : null, playlist);
        } else if (finalPlaylist) {
            // every segment of it is missing: nothing to announce
            log.info("{} - session {} ended without a segment in place; no playlist", state.stream(), folder);
        }
        catalog.sessionPublished(state, published, finalPlaylist, finished, webhooks);
        if (text != null && !finalPlaylist && plan.unlisted() == 0 && localLength(relativePath) == text.bytes().length) {
            tails.put(key, new Tail(relativePath, text.digest(), text.bytes().length,
                    PlaylistText.targetDuration(plan.items(), targetFloor),
                    segments.get(plan.consumed() - 1).entry().segment().index(), plan.items().size(),
                    nanoTime.getAsLong()));
        }
        return outcome(state, published, plan.items().size(), finalPlaylist);
    }

    /**
     * Publishes the segments settled since {@code tail} by appending them to the playlist's file
     * (a copy, renamed over it) and putting the file; null when the whole text must be made
     * instead: a segment longer than the target duration, or a file changed or removed since.
     * The session goes on: its end is published whole.
     */
    private Published append(PublishSchedule.Key key, PlaylistState state, Tail tail) throws IOException {
        List<PlaylistSegment> added = withMedia(
                catalog.sessionSegments(state.stream(), state.sessionStart(), tail.lastIndex()));
        PlaylistPlan more = PlaylistPlan.of(added, s3.enabled(), Segment::fileName);
        if (PlaylistText.targetDuration(more.items(), targetFloor) > tail.targetSeconds()
                || localLength(tail.relativePath()) != tail.length()) {
            return null;
        }
        byte[] bytes = PlaylistText.more(more.items()).getBytes(StandardCharsets.UTF_8);
        MessageDigest digest = copy(tail.digest());
        digest.update(bytes);
        String sha256 = hexOf(digest);
        int listed = tail.listed() + more.items().size();
        if (bytes.length > 0) {
            Path file = recordingsDir.resolve(tail.relativePath());
            appendLocal(file, bytes);
            if (s3.enabled()) {
                s3.put(tail.relativePath(), file, PlaylistText.CONTENT_TYPE, "no-cache");
            }
            log.debug("{} - published with {} segments", tail.relativePath(), listed);
        }
        catalog.sessionPublished(state, sha256, false, null, webhooks);
        if (more.unlisted() == 0) {
            int lastIndex = more.consumed() == 0 ? tail.lastIndex()
                    : added.get(more.consumed() - 1).entry().segment().index();
            tails.put(key, new Tail(tail.relativePath(), digest, tail.length() + bytes.length, tail.targetSeconds(),
                    lastIndex, listed, tail.rebuiltAtNanos()));
        }
        appends++;
        return outcome(state, sha256, listed, false);
    }

    /** How many session publishes of this run appended to the playlist (for tests). */
    int appends() {
        return appends;
    }

    /** Publishes a day playlist; {@code ended} says whether every session of the day ended. */
    Published publishDay(PlaylistState state, boolean ended) throws IOException {
        String folder = SegmentLayout.safeStreamName(state.stream()) + "/" + state.day();
        List<PlaylistSegment> segments = withMedia(catalog.daySegments(state.stream(), state.day()));
        PlaylistPlan plan = PlaylistPlan.of(segments, s3.enabled(),
                segment -> segment.relativePath().substring(folder.length() + 1));
        boolean finalPlaylist = ended && plan.complete();
        String published = publish(folder + "/" + FILE_NAME, Text.of(plan, targetFloor, finalPlaylist),
                plan.items().size(), finalPlaylist, state.publishedSha256());
        catalog.dayPublished(state, published, finalPlaylist);
        return outcome(state, published, plan.items().size(), finalPlaylist);
    }

    private static Published outcome(PlaylistState state, String published, int listed, boolean finalPlaylist) {
        return new Published(published != null && !published.equals(state.publishedSha256()), finalPlaylist, listed);
    }

    /** Writes and uploads the playlist unless it is empty (null) or unchanged; returns its SHA-256, or null. */
    private String publish(String relativePath, Text text, int listed, boolean finalPlaylist, String lastSha256)
            throws IOException {
        if (text == null) {
            return null;
        }
        String sha256 = text.sha256();
        if (sha256.equals(lastSha256)) {
            restoreLocal(relativePath, text.bytes());
            return sha256;
        }
        writeLocal(relativePath, text.bytes());
        if (s3.enabled()) {
            s3.put(relativePath, text.bytes(), PlaylistText.CONTENT_TYPE, finalPlaylist ? null : "no-cache");
        }
        log.debug("{} - published with {} segments{}", relativePath, listed, finalPlaylist ? ", complete" : "");
        return sha256;
    }

    /** The length of the local file, or -1 when there is none. */
    private long localLength(String relativePath) throws IOException {
        try {
            return Files.size(recordingsDir.resolve(relativePath));
        } catch (NoSuchFileException e) {
            return -1;
        }
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
        // temp file and atomic rename: a reader sees the old playlist or the new one, never half.
        // No fsync: the file is derived. What it should list is in the catalogue, and the playlist
        // stays out of date there until this publish is recorded; after a power loss a playlist
        // that lost its last write is rebuilt at the next start (every open session is ended then,
        // which makes its playlist out of date). An fsync per publish cost more than the rest.
        Path temp = tempOf(target);
        Files.write(temp, text);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** As {@link #writeLocal}: the file with {@code more} appended replaces it atomically. */
    private static void appendLocal(Path target, byte[] more) throws IOException {
        Path temp = tempOf(target);
        Files.copy(target, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.write(temp, more, StandardOpenOption.APPEND);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path tempOf(Path target) {
        return target.resolveSibling("." + FILE_NAME + ".tmp");
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

    /** A playlist's text and the SHA-256 state after it, which an appended text continues. */
    private record Text(byte[] bytes, MessageDigest digest) {
        /** The text of the plan, or null when it lists nothing (no playlist is published then). */
        static Text of(PlaylistPlan plan, Duration targetFloor, boolean ended) {
            if (plan.items().isEmpty()) {
                return null;
            }
            byte[] bytes = PlaylistText.render(plan.items(), targetFloor, ended).getBytes(StandardCharsets.UTF_8);
            MessageDigest digest = newDigest();
            digest.update(bytes);
            return new Text(bytes, digest);
        }

        String sha256() {
            return hexOf(digest);
        }
    }

    /**
     * An open session playlist as this run last published it, so that the next publish reads,
     * plans and renders only the segments after the last one settled then: a publish costs the
     * same on a day's last segment as on its first, apart from copying and putting the file.
     *
     * @param relativePath the playlist file below RECORDINGS_DIR
     * @param digest the SHA-256 state after the text published
     * @param length the text's length in bytes, which the local file must still have
     * @param targetSeconds its target duration: a longer segment changes the header
     * @param lastIndex the index of the last segment its plan settled (listed or not)
     * @param listed how many segments it lists
     * @param rebuiltAtNanos when its text was last made whole
     */
    private record Tail(String relativePath, MessageDigest digest, long length, long targetSeconds,
            int lastIndex, int listed, long rebuiltAtNanos) {
        /** The SHA-256 of the text published, which the catalogue must still hold for the tail to apply. */
        String sha256() {
            return hexOf(digest);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** The hex SHA-256 of what {@code digest} was given, leaving it as it is. */
    private static String hexOf(MessageDigest digest) {
        return HexFormat.of().formatHex(copy(digest).digest());
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }
}
