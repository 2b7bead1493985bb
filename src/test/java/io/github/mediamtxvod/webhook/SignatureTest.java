package io.github.mediamtxvod.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.config.Secret;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureTest {

    @Test
    void theSignatureIsTheHexHmacSha256OfTheExactBody() {
        // RFC 4231 test case 2
        String signature = Signature.of("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8), new Secret("Jefe"));

        assertThat(signature).isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void anyChangeOfTheBodyChangesTheSignature() {
        Secret secret = new Secret("s3cr3t");

        assertThat(Signature.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8), secret))
                .isNotEqualTo(Signature.of("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), secret));
    }
}
