package io.github.mediamtxvod.upload;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.helpers.DefaultHandler;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.CompletableFutureUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * A PutObject as one signed HTTP request, past the SDK client's request pipeline: the SDK's SigV4
 * signer and its HTTP client, nothing in between. The body goes as it is, {@code UNSIGNED-PAYLOAD}
 * with its CRC32 in {@code x-amz-checksum-crc32}, which the server checks against the bytes it
 * received before it stores anything (as rclone and other {@code UNSIGNED-PAYLOAD} clients send
 * it). Only the single PUTs of segments and playlists take this way, the requests the recorder
 * makes all day; everything else (HEAD, GET, multipart uploads, listings) stays with the SDK
 * client. Measured in docs/PERFORMANCE.md: the SDK client's pipeline (endpoint rules,
 * interceptors, marshalling, aws-chunked encoding) cost more CPU per PUT than moving its bytes.
 *
 * <p>The object URL is the one the SDK client resolves for the bucket (endpoint override,
 * path-style or virtual-hosted), asked once; a key is appended encoded as the SDK encodes it. A
 * request that failed on the network before any answer (a pooled connection the server closed) is
 * sent once more at once, and so is a request S3 refused as {@code RequestTimeTooSkewed}: it is
 * signed again with S3's time (the {@code Date} of its answer), and so is every later request
 * (as the SDK client corrects its clock). Every other failure goes to the caller: an
 * {@link S3Exception} with the status and the S3 error code of the answer, an
 * {@link SdkClientException} for the network (also a connection lost while the answer is read), an
 * {@link IOException} or {@link UncheckedIOException} when the local bytes could not be read.
 *
 * <p>Thread-safe. Owns its HTTP client; {@link #close} closes it.
 */
final class DirectPut implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectPut.class);
    static final String CHECKSUM_HEADER = "x-amz-checksum-crc32";
    private static final String SKEWED = "RequestTimeTooSkewed";
    private static final String PROBE_KEY = "probe";
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final SdkHttpClient http;
    /** The SDK client's own: one credentials chain (and its refreshes) for both ways, closed with that client. */
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final String bucketUrl;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final Clock clock;
    /** How far S3's clock is ahead of {@link #clock}, learnt from a RequestTimeTooSkewed answer. */
    private volatile Duration skew = Duration.ZERO;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param client the SDK client whose endpoint resolution names the bucket's URL (asked once, here) and
     *     whose credentials sign the requests; it must outlive this
     * @param http the HTTP client the requests go through; owned from here on
     */
    DirectPut(S3Config config, S3Client client, SdkHttpClient http) {
        this(config, client, http, Clock.systemUTC());
    }

    /** @param clock the time requests are signed with, before any correction S3 asks for */
    DirectPut(S3Config config, S3Client client, SdkHttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
        this.credentials = client.serviceClientConfiguration().credentialsProvider();
        this.region = config.region();
        String probe = client.utilities().getUrl(b -> b.bucket(config.bucket()).key(PROBE_KEY)).toString();
        this.bucketUrl = probe.substring(0, probe.length() - PROBE_KEY.length());
    }

    /** What S3 answered to a PUT: the ETag and the CRC32 it echoed (null when it echoes none). */
    record Answer(String etag, String checksumCrc32) {}

    /**
     * Puts {@code length} bytes from {@code body} under {@code key}.
     *
     * @param crc32 the body's CRC32 in S3's encoding (base64 of 4 big-endian bytes); the server checks it
     * @param headers further headers: Content-Type, Cache-Control, If-None-Match, x-amz-meta-*, ...
     */
    Answer put(String key, ContentStreamProvider body, long length, String crc32, Map<String, String> headers)
            throws IOException {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(URI.create(bucketUrl + SdkHttpUtils.urlEncodeIgnoreSlashes(key)))
                .putHeader("Content-Length", Long.toString(length))
                .putHeader(CHECKSUM_HEADER, crc32);
        headers.forEach((name, value) -> {
            if (value != null) {
                request.putHeader(name, value);
            }
        });
        SdkHttpRequest unsigned = request.build();
        LocalReads local = new LocalReads(body);
        boolean resent = false;
        boolean resigned = false;
        while (true) {
            HttpExecuteResponse response;
            try {
                response = http.prepareRequest(HttpExecuteRequest.builder().request(sign(unsigned))
                        .contentStreamProvider(local).build()).call();
            } catch (IOException | RuntimeException e) {
                if (local.failure != null) {
                    // the CRT's client reads the body on its own thread and hands on what that threw, wrapped
                    if (e instanceof IOException) {
                        throw local.failure;
                    }
                    throw new UncheckedIOException(local.failure.getMessage(), local.failure);
                }
                if (!resent && !Thread.currentThread().isInterrupted()) {
                    // most likely a pooled connection the server had closed: a new one answers. If the
                    // server did store the object, the write's If-None-Match finds it (see S3Uploader).
                    // The CRT's client reports some network errors unchecked (its HttpException)
                    resent = true;
                    continue;
                }
                throw SdkClientException.builder().message("PUT " + key + " failed: " + e).cause(e).build();
            }
            try {
                return answer(key, response);
            } catch (S3Exception e) {
                if (resigned || !correctSkew(e)) {
                    throw e;
                }
                resigned = true;
            }
        }
    }

    /**
     * After a RequestTimeTooSkewed answer: takes S3's time from its {@code Date} header as the time
     * to sign with from now on. False when the answer is another error or names no usable time.
     */
    private boolean correctSkew(S3Exception e) {
        if (!SKEWED.equals(e.awsErrorDetails().errorCode())) {
            return false;
        }
        Optional<Instant> serverTime = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Date")
                .flatMap(DirectPut::httpDate);
        if (serverTime.isEmpty()) {
            return false;
        }
        Duration learnt = Duration.between(clock.instant(), serverTime.get());
        skew = learnt;
        log.warn("This machine's clock is {} s {} S3's (RequestTimeTooSkewed): uploads are signed with S3's time"
                + " from now on. Fix the clock (NTP).", Math.abs(learnt.toSeconds()),
                learnt.isNegative() ? "ahead of" : "behind");
        return true;
    }

    static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.strip())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Signs with SigV4 as S3 wants it (no double encoding, no path normalisation) and leaves the body
     * unsigned. The signer insists on signing a body over plain HTTP, so it is shown an {@code https}
     * request with the real Host header (the protocol is not part of a signature).
     */
    private SdkHttpRequest sign(SdkHttpRequest request) {
        boolean plain = "http".equals(request.protocol());
        SdkHttpRequest shown = plain
                ? request.toBuilder().putHeader("Host", UnsignedPayloadScheme.hostHeader(request)).protocol("https").build()
                : request;
        SdkHttpRequest signed = signer.sign(r -> r.identity(CompletableFutureUtils.joinLikeSync(credentials.resolveIdentity()))
                .request(shown)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.offset(clock, skew))).request();
        return plain ? signed.toBuilder().protocol(request.protocol()).port(request.port()).build() : signed;
    }

    /**
     * The answer of a request S3 has answered: its status is known, so a connection lost while its
     * body is read only costs the body (an error's details), and that connection is not reused.
     */
    private static Answer answer(String key, HttpExecuteResponse response) {
        SdkHttpResponse http = response.httpResponse();
        Optional<AbortableInputStream> content = response.responseBody();
        byte[] body = new byte[0];
        try (InputStream in = content.isPresent() ? content.get() : InputStream.nullInputStream()) {
            // read to the end so the connection goes back to the pool; an error's XML is short
            body = http.isSuccessful() ? drain(in) : in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            content.ifPresent(AbortableInputStream::abort);
            log.debug("PUT {} - the connection was lost while its answer ({}) was read: {}", key, http.statusCode(),
                    e.getMessage());
        }
        if (!http.isSuccessful()) {
            throw failure(key, http, body);
        }
        return new Answer(http.firstMatchingHeader("ETag").orElse(null),
                http.firstMatchingHeader(CHECKSUM_HEADER).orElse(null));
    }

    private static byte[] drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
        return new byte[0];
    }

    /** The exception the SDK client would have thrown for this answer: status, S3 error code and message. */
    static S3Exception failure(String key, SdkHttpResponse http, byte[] body) {
        ErrorBody error = ErrorBody.parse(body);
        String code = error.code();
        String message = error.message() != null ? error.message()
                : http.statusText().orElse("HTTP " + http.statusCode());
        String requestId = error.requestId() != null ? error.requestId()
                : http.firstMatchingHeader("x-amz-request-id").orElse(null);
        return (S3Exception) S3Exception.builder()
                .statusCode(http.statusCode())
                .requestId(requestId)
                .message(message + " (Service: S3, Status Code: " + http.statusCode() + ", Request ID: " + requestId
                        + ") PUT " + key)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("S3")
                        .sdkHttpResponse(http)
                        .build())
                .build();
    }

    /** Closes the connections, also one a request waits on (that request fails); idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.close();
        }
    }

    /** The Code, Message and RequestId of an S3 error answer; nulls where the body has none or is no XML. */
    record ErrorBody(String code, String message, String requestId) {
        static ErrorBody parse(byte[] body) {
            if (body.length == 0) {
                return new ErrorBody(null, null, null);
            }
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                // the answer comes from outside: no document type, no external entities
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                factory.setXIncludeAware(false);
                factory.setExpandEntityReferences(false);
                DocumentBuilder builder = factory.newDocumentBuilder();
                builder.setErrorHandler(new DefaultHandler()); // fails on malformed XML, prints nothing
                Document document = builder.parse(new ByteArrayInputStream(body));
                return new ErrorBody(text(document, "Code"), text(document, "Message"), text(document, "RequestId"));
            } catch (Exception e) {
                return new ErrorBody(null, null, null);
            }
        }

        private static String text(Document document, String element) {
            NodeList nodes = document.getElementsByTagName(element);
            if (nodes.getLength() == 0) {
                return null;
            }
            String text = nodes.item(0).getTextContent().strip();
            return text.isEmpty() ? null : text;
        }
    }

    /** Hands out the body's streams and keeps the first local read failure apart from network failures. */
    private static final class LocalReads implements ContentStreamProvider {
        private final ContentStreamProvider body;
        // written on the thread that reads the body (the CRT's own), read by the caller
        private volatile IOException failure;

        LocalReads(ContentStreamProvider body) {
            this.body = body;
        }

        @Override
        public InputStream newStream() {
            InputStream stream;
            try {
                stream = body.newStream();
            } catch (UncheckedIOException e) {
                failure = e.getCause();
                throw e;
            }
            return new FilterInputStream(stream) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (IOException e) {
                        failure = e;
                        throw e;
                    }
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    try {
                        return super.read(buffer, offset, length);
                    } catch (IOException e) {
                        failure = e;
                        throw e;
                    }
                }
            };
        }

        @Override
        public String name() {
            return body.name();
        }
    }
}
