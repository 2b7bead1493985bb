package io.github.mediamtxvod.upload;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * SigV4 for the uploader: the request line and headers are signed as always, and an upload body
 * goes as S3 receives it over HTTPS, {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}: aws-chunked with
 * a trailing CRC32 that the server checks against the bytes it received.
 *
 * <p>Why: over plain HTTP the SDK insists on signing every 128 KiB chunk of a body (SHA-256 of
 * every byte, and an HMAC per chunk the server must verify as well), which doubled the CPU per
 * uploaded megabyte on both sides. The SDK decides that from the request's protocol, so this
 * signer shows it an {@code https} request with the Host header the real one has (the protocol
 * is not part of a SigV4 signature) and sends the real one. Only bodies the SDK streams in
 * aws-chunked encoding (PutObject, UploadPart) are affected; everything else is signed as the
 * SDK does. What is lost on plain HTTP is the proof against a party that alters bytes in transit
 * (the CRC catches corruption, not forgery), as with {@code UNSIGNED-PAYLOAD} clients like
 * rclone; use HTTPS on networks you do not trust.
 */
final class UnsignedPayloadScheme implements AwsV4AuthScheme {
    private final AwsV4HttpSigner signer = new Signer(AwsV4HttpSigner.create());

    @Override
    public String schemeId() {
        return SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return providers.identityProvider(AwsCredentialsIdentity.class);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    /** The Host header as the HTTP client sends it for the real protocol: the port only when not the default. */
    static String hostHeader(SdkHttpRequest http) {
        return SdkHttpUtils.isUsingStandardPort(http.protocol(), http.port())
                ? http.host()
                : http.host() + ":" + http.port();
    }

    private record Signer(AwsV4HttpSigner delegate) implements AwsV4HttpSigner {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest http = request.request();
            if (!streamsOverPlainHttp(request)) {
                return delegate.sign(request);
            }
            SdkHttpRequest asTls = http.toBuilder().putHeader("Host", hostHeader(http)).protocol("https").build();
            SignRequest<? extends AwsCredentialsIdentity> tls = request.copy(b -> b.request(asTls));
            SignedRequest signed = delegate.sign(tls);
            SdkHttpRequest back = signed.request().toBuilder().protocol(http.protocol()).port(http.port()).build();
            return signed.copy(b -> b.request(back));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            // the uploader's client is synchronous; the SDK's async path already leaves plain HTTP bodies unsigned
            return delegate.signAsync(request);
        }

        private static boolean streamsOverPlainHttp(SignRequest<? extends AwsCredentialsIdentity> request) {
            return "http".equals(request.request().protocol())
                    && request.payload().isPresent()
                    && Boolean.TRUE.equals(request.property(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED));
        }
    }
}
