package io.github.mediamtxvod.upload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 part of the {@code check} command: can the endpoint be reached, are the credentials
 * accepted, does the bucket exist (or will it be created). Makes one HEAD request and changes
 * nothing. Stateless; thread-safe.
 */
public final class S3Check {

    /** Human-readable lines, each starting with {@code OK}, {@code FAIL} or {@code INFO}, and the verdict. */
    public record Report(boolean ok, List<String> lines) {
        public Report {
            lines = List.copyOf(lines);
        }
    }

    private S3Check() {}

    public static Report check(S3Config s3, Path recordingsDir) {
        List<String> lines = new ArrayList<>();
        if (!s3.enabled()) {
            lines.add("INFO uploads are off (local-only mode): no S3 setting is given; recordings stay in "
                    + recordingsDir);
            return new Report(true, lines);
        }
        String endpoint = S3Clients.describeEndpoint(s3);
        lines.add("INFO S3 endpoint " + endpoint + ", bucket '" + s3.bucket() + "', region " + s3.region()
                + ", path-style " + s3.forcePathStyle() + ", credentials " + describeCredentials(s3));
        try (S3Client client = S3Clients.client(s3, 1)) {
            boolean exists = BucketGuard.exists(client, s3.bucket());
            if (exists) {
                lines.add("OK   " + endpoint + " is reachable, the credentials are accepted and bucket '"
                        + s3.bucket() + "' exists");
                return new Report(true, lines);
            }
            if (s3.createBucket()) {
                lines.add("OK   " + endpoint + " is reachable; bucket '" + s3.bucket()
                        + "' does not exist yet and will be created at start (S3_CREATE_BUCKET=true)");
                return new Report(true, lines);
            }
            lines.add("FAIL bucket '" + s3.bucket() + "' does not exist at " + endpoint
                    + " and S3_CREATE_BUCKET=false: create it or set S3_CREATE_BUCKET=true");
        } catch (AwsServiceException e) {
            lines.add("FAIL " + endpoint + " refuses access to bucket '" + s3.bucket() + "': " + refusal(e));
        } catch (SdkException e) {
            lines.add("FAIL cannot reach S3 at " + endpoint + ": " + FailureKind.describe(e));
        }
        return new Report(false, lines);
    }

    private static String refusal(AwsServiceException e) {
        String code = FailureKind.errorCode(e);
        if (e.statusCode() == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
            return e.statusCode() + (code == null ? "" : " " + code) + ": the credentials are wrong or may not list"
                    + " this bucket (HEAD needs s3:ListBucket); check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY";
        }
        return FailureKind.describe(e);
    }

    private static String describeCredentials(S3Config s3) {
        if (s3.accessKeyId() == null) {
            return "from the SDK's default chain";
        }
        String id = s3.accessKeyId();
        return "static, access key " + (id.length() <= 4 ? "****" : id.substring(0, 4) + "*".repeat(id.length() - 4));
    }
}
