package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What S3 holds, learnt from one listing (ListObjectsV2, all pages) per day folder ({@code
 * [prefix/]<stream>/<day>/}) rather than one request per object. Used where the catalogue cannot
 * tell what S3 holds: after a rebuild (so that nothing is uploaded twice) and by the verify
 * command. Keeps the listings of the last {@code maxFolders} folders asked about, so its memory
 * is bounded by the folders, not the bucket. SDK failures reach the caller. Thread-safe.
 */
final class S3Inventory {

    /** An object as the listing showed it. */
    record Found(String key, long sizeBytes, String etag) {}

    private final S3Client client;
    private final String bucket;
    private final int maxFolders;
    // @GuardedBy("this")
    private final Map<String, Map<String, Found>> folders;
    // @GuardedBy("this")
    private long listings;

    S3Inventory(S3Client client, String bucket, int maxFolders) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.maxFolders = maxFolders;
        this.folders = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Found>> eldest) {
                return size() > S3Inventory.this.maxFolders;
            }
        };
    }

    /** The object at {@code key}, listing its day folder first unless that was done already. */
    synchronized Optional<Found> find(String key) {
        String folder = folderOf(key);
        Map<String, Found> listing = folders.get(folder);
        if (listing == null) {
            listing = list(folder);
            folders.put(folder, listing);
        }
        return Optional.ofNullable(listing.get(key));
    }

    /** Every object below {@code prefix}, by key. */
    synchronized Map<String, Found> list(String prefix) {
        listings++;
        Map<String, Found> found = new HashMap<>();
        for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            found.put(object.key(), new Found(object.key(), object.size(), unquote(object.eTag())));
        }
        return found;
    }

    /** How many listings were made (each may span several pages). */
    synchronized long listings() {
        return listings;
    }

    /** The day folder of a segment key: the key without its session folder and file name. */
    static String folderOf(String key) {
        int file = key.lastIndexOf('/');
        int session = file <= 0 ? -1 : key.lastIndexOf('/', file - 1);
        if (session >= 0) {
            return key.substring(0, session + 1);
        }
        return file >= 0 ? key.substring(0, file + 1) : "";
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
