package io.github.mediamtxvod.playlist;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.PlaylistCatalog;
import io.github.mediamtxvod.catalog.WebhookOutbox;
import io.github.mediamtxvod.upload.S3ObjectWriter;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * What the playlist stage works with, opened for a test as the recorder opens it: the catalogue,
 * the webhook outbox (on), the playlists' catalogue and the S3 object writer of {@code config}.
 * Closed in reverse order.
 */
final class PlaylistStores implements AutoCloseable {
    final Catalog catalog;
    final WebhookOutbox outbox;
    final PlaylistCatalog playlists;
    final S3ObjectWriter s3;

    PlaylistStores(Path recordings, RecorderConfig config, InstantSource clock) {
        catalog = new Catalog(recordings, clock);
        catalog.start();
        outbox = new WebhookOutbox(recordings, clock);
        outbox.start(true);
        playlists = new PlaylistCatalog(recordings, clock);
        playlists.start();
        s3 = new S3ObjectWriter(config.s3());
        s3.start();
    }

    @Override
    public void close() {
        s3.close();
        playlists.close();
        outbox.close();
        catalog.close();
    }
}
