package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The RTSP part of {@code check} against the real GStreamer RTSP server: DESCRIBE of a live path,
 * without and with authentication (Basic and Digest, credentials in the URL's user info as FFmpeg
 * takes them), and every failure as one line that names MEDIAMTX_RTSP_URL and never the password.
 */
class RtspCheckIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String USER = "reader";
    private static final String PASSWORD = "p@ss:w rd";
    private static final String PASSWORD_IN_URL = "p%40ss%3Aw%20rd";

    @Test
    void describesALivePathAndNamesItsTracks() {
        try (RtspTestServer rtsp = RtspTestServer.start()) {
            live(rtsp, "cams/front", rtsp.rtspUrl());

            RtspCheck.Result result = describeSettled(rtsp.rtspUrl(), "cams/front");

            assertThat(result.ok()).as(result.detail()).isTrue();
            assertThat(result.detail()).startsWith(rtsp.rtspUrl() + "/cams/front answers DESCRIBE: 2 track(s): H264/90000");
            RtspCheck.Result missing = RtspCheck.describe(rtsp.rtspUrl(), "nobody", TIMEOUT);
            assertThat(missing.ok()).isFalse();
            assertThat(missing.detail()).contains("no such path (404)", "MEDIAMTX_RTSP_URL");
            assertThat(RtspCheck.connect(rtsp.rtspUrl(), TIMEOUT).ok()).isTrue();
        }
    }

    @Test
    void answersADigestChallengeWithTheUrlsCredentials() {
        try (RtspTestServer rtsp = RtspTestServer.startWithAuth("digest", USER, PASSWORD)) {
            checkAuthentication(rtsp);
        }
    }

    @Test
    void answersABasicChallengeWithTheUrlsCredentials() {
        try (RtspTestServer rtsp = RtspTestServer.startWithAuth("basic", USER, PASSWORD)) {
            checkAuthentication(rtsp);
        }
    }

    @Test
    void aClosedPortOrAnUnknownHostFailsAtOnceWithTheSetting() throws Exception {
        URI closed = URI.create("rtsp://127.0.0.1:" + RecorderProcess.freePort());
        long begin = System.nanoTime();

        RtspCheck.Result refused = RtspCheck.describe(closed, "cam", TIMEOUT);
        RtspCheck.Result unknown = RtspCheck.connect(URI.create("rtsp://no-such-host.invalid:8554"), TIMEOUT);

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(TIMEOUT);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("connection refused", "MEDIAMTX_RTSP_URL");
        assertThat(unknown.ok()).isFalse();
        assertThat(unknown.detail()).contains("unknown host", "MEDIAMTX_RTSP_URL");
    }

    private static void checkAuthentication(RtspTestServer rtsp) {
        URI base = rtsp.rtspUrl();
        URI withCredentials = URI.create("rtsp://" + USER + ":" + PASSWORD_IN_URL + "@" + base.getAuthority());
        live(rtsp, "cam", withCredentials);
        URI wrongPassword = URI.create("rtsp://" + USER + ":not-it-42@" + base.getAuthority());

        RtspCheck.Result ok = describeSettled(withCredentials, "cam");
        RtspCheck.Result none = RtspCheck.describe(base, "cam", TIMEOUT);
        RtspCheck.Result wrong = RtspCheck.describe(wrongPassword, "cam", TIMEOUT);

        assertThat(ok.ok()).as(ok.detail()).isTrue();
        assertThat(ok.detail()).startsWith(base + "/cam answers DESCRIBE").doesNotContain(USER);
        assertThat(none.ok()).isFalse();
        assertThat(none.detail()).contains("requires credentials (401)", "MEDIAMTX_RTSP_URL");
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.detail()).contains("refused the credentials", "'" + USER + "'").doesNotContain("not-it-42");
    }

    /**
     * DESCRIBE once the test server has settled: it answers 503 for a moment while it tears down the
     * media the probe of {@link #live} used.
     */
    private static RtspCheck.Result describeSettled(URI base, String path) {
        return await("DESCRIBE answered").atMost(Duration.ofSeconds(30))
                .until(() -> RtspCheck.describe(base, path, TIMEOUT),
                        answer -> answer.ok() || !answer.detail().contains("503"));
    }

    /** Publishes {@code path} and waits until FFmpeg reads it from {@code base} (a DESCRIBE then answers at once). */
    private static void live(RtspTestServer rtsp, String path, URI base) {
        rtsp.publish(path);
        await("the publisher is served").atMost(Duration.ofSeconds(60))
                .until(() -> Ffprobe.probe(URI.create(base + "/" + path)).videoCodecs().contains("h264"));
    }
}
