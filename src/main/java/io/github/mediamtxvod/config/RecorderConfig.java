package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The whole, validated configuration of the recorder: immutable, built once by {@link
 * ConfigLoader}. Nullable components are documented on each record; everything else is never
 * null.
 */
public record RecorderConfig(
        MediaMtx mediamtx,
        Recording recording,
        S3 s3,
        Upload upload,
        Retention retention,
        Web web,
        String logLevel) {

    public RecorderConfig {
        requireNonNull(mediamtx, "mediamtx is null");
        requireNonNull(recording, "recording is null");
        requireNonNull(s3, "s3 is null");
        requireNonNull(upload, "upload is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(web, "web is null");
        requireNonNull(logLevel, "logLevel is null");
    }

    /**
     * How to reach MediaMTX. {@code apiUser}/{@code apiPassword} are null when unset (no basic
     * auth); {@code streamInclude}/{@code streamExclude} are null when unset. {@code apiUrl} and
     * {@code rtspUrl} never end with '/', so a path is appended as {@code "/" + name}; {@code
     * rtspUrl} may carry MediaMTX read credentials as user info (mask it when printing).
     */
    public record MediaMtx(
            URI apiUrl,
            URI rtspUrl,
            String apiUser,
            Secret apiPassword,
            Duration pollingInterval,
            Duration apiTimeout,
            Pattern streamInclude,
            Pattern streamExclude) {
        public MediaMtx {
            requireNonNull(apiUrl, "apiUrl is null");
            requireNonNull(rtspUrl, "rtspUrl is null");
            requireNonNull(pollingInterval, "pollingInterval is null");
            requireNonNull(apiTimeout, "apiTimeout is null");
        }

        /** Whether a MediaMTX path name passes STREAM_INCLUDE and STREAM_EXCLUDE. */
        public boolean accepts(String pathName) {
            if (streamInclude != null && !streamInclude.matcher(pathName).matches()) {
                return false;
            }
            return streamExclude == null || !streamExclude.matcher(pathName).matches();
        }
    }

    /**
     * How FFmpeg records: where, how many at once, segment length and container. {@code
     * recordingsDir} is absolute and existed and was writable when the configuration was loaded.
     */
    public record Recording(
            Path recordingsDir,
            String ffmpegPath,
            int maxConcurrentRecordings,
            Duration segmentDuration,
            OutputFormat outputFormat,
            Duration stallTimeout,
            Duration stopTimeout,
            Duration restartBackoffMax) {
        public Recording {
            requireNonNull(recordingsDir, "recordingsDir is null");
            requireNonNull(ffmpegPath, "ffmpegPath is null");
            requireNonNull(segmentDuration, "segmentDuration is null");
            requireNonNull(outputFormat, "outputFormat is null");
            requireNonNull(stallTimeout, "stallTimeout is null");
            requireNonNull(stopTimeout, "stopTimeout is null");
            requireNonNull(restartBackoffMax, "restartBackoffMax is null");
        }
    }

    /**
     * S3-compatible storage. {@code enabled} is false in local-only mode (no S3 setting given).
     * {@code endpoint}, {@code accessKeyId} and {@code secretAccessKey} are null when unset (AWS
     * S3 and the SDK's default credential chain); {@code endpoint} never ends with '/'; {@code
     * prefix} is empty when unset, else has no leading or trailing slash. Sizes are in bytes (MB
     * settings times 1024 * 1024).
     */
    public record S3(
            boolean enabled,
            URI endpoint,
            String accessKeyId,
            Secret secretAccessKey,
            String bucket,
            String region,
            boolean forcePathStyle,
            String storageClass,
            String prefix,
            boolean createBucket,
            long multipartThresholdBytes,
            long multipartPartSizeBytes) {
        public S3 {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(region, "region is null");
            requireNonNull(storageClass, "storageClass is null");
            requireNonNull(prefix, "prefix is null");
        }
    }

    /** The upload worker pool. */
    public record Upload(int workers, Duration drainTimeout) {
        public Upload {
            requireNonNull(drainTimeout, "drainTimeout is null");
        }
    }

    /** Local retention of uploaded files and the free-space guard. */
    public record Retention(int localRetentionDays, long minFreeDiskBytes) {}

    /**
     * The embedded HTTP server. {@code username}/{@code password} are null when the UI is open;
     * {@code hookToken} is null when hooks are unprotected.
     */
    public record Web(
            int httpPort, String username, Secret password, boolean protectProbes, Secret hookToken) {}
}
