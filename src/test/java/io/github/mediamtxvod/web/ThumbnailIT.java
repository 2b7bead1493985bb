package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.SegmentSource;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.upload.S3Reader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Thumbnails made by real FFmpeg from real recordings (1 s GOPs, 2 s segments): from the local
 * file, from S3 (S3Proxy, presigned by the real SDK) once the local file is gone, and from the
 * segment still being written; cached on disk per keyframe.
 */
class ThumbnailIT {
    private static final String STREAM = "lobby/cam1";
    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final String BUCKET = "thumbs";

    @TempDir
    Path work;

    private Path recordings;
    private TestServer test;
    private List<Segment> session;

    @BeforeEach
    void setUp() throws Exception {
        recordings = Files.createDirectories(work.resolve("recordings"));
        session = FfmpegSession.record(recordings, STREAM, START, 3, 2);
        test = TestServer.start(recordings, TestConfig.open());
        session.forEach(test.view::add);
    }

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void aThumbnailShowsTheKeyframeNearestTheInstantAtTheAskedWidthAndIsCachedPerKeyframe() throws Exception {
        Instant at = session.get(1).start().plusMillis(1200);

        HttpResponse<byte[]> first = thumbnail(at, "");
        HttpResponse<byte[]> narrow = thumbnail(at, "&width=160");
        List<Path> cachedAfterTwo = cached();
        HttpResponse<byte[]> sameKeyframe = thumbnail(at.plusMillis(100), "");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, max-age=86400");
        assertThat(image(first).getWidth()).isEqualTo(320);
        assertThat(image(first).getHeight()).isEqualTo(180);
        assertThat(image(narrow).getWidth()).isEqualTo(160);
        Instant frame = Instant.parse(first.headers().firstValue("X-Frame-Time").orElseThrow());
        assertThat(Duration.between(at, frame).abs()).as("one keyframe a second: the nearest is at most 0.5 s away")
                .isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(cachedAfterTwo).hasSize(2);
        assertThat(sameKeyframe.body()).isEqualTo(first.body());
        assertThat(cached()).as("an instant of the same keyframe is a cache hit").hasSize(2);
    }

    @Test
    void aSegmentWhoseLocalFileIsGoneIsReadFromS3() throws Exception {
        Segment segment = session.get(2);
        try (SegmentInS3 copy = new SegmentInS3(segment)) {
            Files.delete(segment.file(recordings));
            test.view.deleteLocally(segment);
            test.view.presigned.put(segment.relativePath(), copy.presignedGet());

            HttpResponse<byte[]> response = thumbnail(segment.start().plusMillis(500), "&width=200");

            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            assertThat(image(response).getWidth()).isEqualTo(200);
        }
    }

    @Test
    void aFileRetentionDeletedBeforeTheCatalogueSaysSoIsReadFromS3() throws Exception {
        Segment segment = session.get(2);
        try (SegmentInS3 copy = new SegmentInS3(segment)) {
            test.view.confirm(segment);
            test.view.presigned.put(segment.relativePath(), copy.presignedGet());
            // retention deletes the file, then records that; a request comes in between
            Files.delete(segment.file(recordings));

            HttpResponse<byte[]> response = thumbnail(segment.start().plusMillis(500), "&width=200");

            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            assertThat(image(response).getWidth()).isEqualTo(200);
        }
    }

    @Test
    void aLocalFileThatRetentionDeletesWhileItIsReadIsReadFromS3() throws Exception {
        Segment segment = session.get(1);
        try (SegmentInS3 copy = new SegmentInS3(segment)) {
            test.view.confirm(segment); // in S3, and still local as far as the catalogue knows
            ThumbnailMaker.Target target = new ThumbnailMaker.Target(STREAM, segment.relativePath(), segment.start(),
                    segment.sizeBytes(), segment.file(recordings), copy.presignedGet(), true);
            // the file is there when its size is read and gone when it is opened
            ThumbnailMaker.LocalFiles vanishing = (file, start) -> new VanishingSource(FileSegmentSource.of(file, start));
            try (ThumbnailMaker maker = new ThumbnailMaker("ffmpeg",
                    new ThumbnailCache(work.resolve("thumbnails"), 1 << 20), HttpClient.newHttpClient(), vanishing)) {
                maker.start();

                ThumbnailMaker.Image made = maker.make(target, segment.start().plusMillis(500), 160);

                assertThat(ImageIO.read(new ByteArrayInputStream(made.jpeg())).getWidth()).isEqualTo(160);
            }
        }
    }

    /** S3Proxy holding a copy of one segment, and the recorder's reader that presigns its GET. */
    private final class SegmentInS3 implements AutoCloseable {
        private final Segment segment;
        private final S3TestServer s3;
        private final S3Client client;
        private final S3Reader reader;

        SegmentInS3(Segment segment) throws Exception {
            this.segment = segment;
            s3 = new S3TestServer(work.resolve("s3")).start();
            client = s3.client();
            reader = new S3Reader(TestConfig.s3(recordings, s3).bucket(BUCKET).build().s3());
            client.createBucket(b -> b.bucket(BUCKET));
            client.putObject(b -> b.bucket(BUCKET).key(segment.relativePath()),
                    RequestBody.fromFile(segment.file(recordings)));
        }

        /** A presigned GET of the copy; the catalogue must have it confirmed in S3. */
        URI presignedGet() {
            reader.start();
            Entry entry = test.view.catalog().segment(segment.relativePath()).orElseThrow();
            return reader.presignedGet(entry, Duration.ofMinutes(5)).orElseThrow();
        }

        @Override
        public void close() {
            reader.close();
            client.close();
            s3.close();
        }
    }

    /** A local file retention deleted after its size was read: every open fails as it would then. */
    private record VanishingSource(SegmentSource file) implements SegmentSource {
        @Override
        public String name() {
            return file.name();
        }

        @Override
        public Instant start() {
            return file.start();
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public InputStream open(long offset, long length) throws IOException {
            throw new NoSuchFileException(file.name());
        }
    }

    @Test
    void theSegmentBeingRecordedGivesAThumbnailThatIsNotCachedByTheBrowser() throws Exception {
        Instant liveStart = START.plusSeconds(3600);
        FfmpegSession.record(recordings, STREAM, liveStart, 1, 2); // on disk, not catalogued: "being written"
        test.view.recording = new RecordingStatus(List.of(new RecordingStatus.StreamStatus(STREAM,
                RecordingStatus.State.RECORDING, liveStart, liveStart, 0, 0, 0, null, null)), List.of(), 10);

        HttpResponse<byte[]> response = thumbnail(liveStart.plusSeconds(1), "");

        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(image(response).getWidth()).isEqualTo(320);
    }

    private HttpResponse<byte[]> thumbnail(Instant at, String more) {
        return test.getBytes("/api/thumbnail?stream=lobby%2Fcam1&at=" + at + more);
    }

    private static BufferedImage image(HttpResponse<byte[]> response) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image).as("a decodable JPEG").isNotNull();
        return image;
    }

    private List<Path> cached() throws IOException {
        try (Stream<Path> files = Files.list(WebServer.thumbnailDir(recordings))) {
            return files.toList();
        }
    }
}
