package io.github.mediamtxvod.testing;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RtspTestServer} for all tests of a class, as a JUnit extension: {@code
 * @RegisterExtension static final SharedRtspServer RTSP = new SharedRtspServer();}. Started before
 * the first test, closed after the last.
 */
public final class SharedRtspServer implements BeforeAllCallback, AfterAllCallback {
    private final Duration stopTimeout;
    private RtspTestServer server;

    /** A server whose paths count as unpublished 2 s after their publisher stops. */
    public SharedRtspServer() {
        this(Duration.ofSeconds(2));
    }

    /** A server with its own stop timeout (see {@link RtspTestServer#start(Duration, String...)}). */
    public SharedRtspServer(Duration stopTimeout) {
        this.stopTimeout = stopTimeout;
    }

    /** The running server; only inside a test of the class. */
    public RtspTestServer server() {
        if (server == null) {
            throw new IllegalStateException("the RTSP test server runs only while the test class runs");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RtspTestServer.start(stopTimeout);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
