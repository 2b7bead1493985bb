package io.github.mediamtxvod.webhook;

import io.github.mediamtxvod.config.Secret;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Vod-Signature} header: {@code sha256=} and the hex HMAC-SHA256 of the exact body
 * bytes, keyed with WEBHOOK_SECRET (its UTF-8 bytes). A receiver computes the same over the raw
 * body it read, and compares in constant time. Pure.
 */
final class Signature {
    static final String HEADER = "X-Vod-Signature";

    private Signature() {}

    static String of(byte[] body, Secret secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.value().getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }
}
