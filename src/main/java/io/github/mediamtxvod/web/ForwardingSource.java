package io.github.mediamtxvod.web;

import io.github.mediamtxvod.mp4.SegmentSource;
import java.time.Instant;

/** A segment source that reads through another: its name, start and size are the other's. */
interface ForwardingSource extends SegmentSource {
    /** The source read through. */
    SegmentSource inner();

    @Override
    default String name() {
        return inner().name();
    }

    @Override
    default Instant start() {
        return inner().start();
    }

    @Override
    default long size() {
        return inner().size();
    }
}
