package io.github.mediamtxvod.upload;

import java.util.ArrayList;
import java.util.List;

/**
 * How a file is cut into multipart-upload parts: parts of the configured size read from the file
 * by offset, the last one shorter. S3 allows at most 10,000 parts, so for a huge file the part
 * size grows (in whole MiB) until the parts fit. Pure.
 */
final class MultipartPlan {
    static final int MAX_PARTS = 10_000;
    private static final long MIB = 1024 * 1024;

    /** One part: numbers start at 1 as S3 wants. */
    record Part(int number, long offset, long length) {}

    private MultipartPlan() {}

    static List<Part> parts(long fileSize, long partSize) {
        if (partSize <= 0) {
            throw new IllegalArgumentException("part size must be positive: " + partSize);
        }
        long size = partSize;
        if (fileSize > size * MAX_PARTS) {
            long needed = (fileSize + MAX_PARTS - 1) / MAX_PARTS;
            size = (needed + MIB - 1) / MIB * MIB;
        }
        List<Part> parts = new ArrayList<>();
        long offset = 0;
        int number = 1;
        do {
            long length = Math.min(size, fileSize - offset);
            parts.add(new Part(number++, offset, length));
            offset += length;
        } while (offset < fileSize);
        return parts;
    }
}
