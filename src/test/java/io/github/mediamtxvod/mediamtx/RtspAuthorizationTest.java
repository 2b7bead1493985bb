package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtspAuthorizationTest {
    @Test
    void digestWithQopAuthGivesTheResponseOfRfc2617sExample() {
        RtspAuthorization authorization = RtspAuthorization.answering(List.of("Digest realm=\"testrealm@host.com\","
                + " qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
                + " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), "Mufasa", "Circle Of Life").orElseThrow();

        String header = authorization.header("GET", "/dir/index.html", "0a4f113b");

        assertThat(header).contains("username=\"Mufasa\"", "qop=auth, nc=00000001, cnonce=\"0a4f113b\"",
                "response=\"6629fae49393a05397450978507c4ef1\"", "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    }

    @Test
    void digestIsPreferredToBasicAndBasicIsTheFallback() {
        List<String> both = List.of("Basic realm=\"r\"", "Digest realm=\"r\", nonce=\"n\"");

        assertThat(RtspAuthorization.answering(both, "u", "p").orElseThrow().header("DESCRIBE", "rtsp://h/c"))
                .startsWith("Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"rtsp://h/c\", response=\"");
        assertThat(RtspAuthorization.answering(List.of("Basic realm=\"r\""), "u", "p:w").orElseThrow()
                .header("DESCRIBE", "rtsp://h/c")).isEqualTo("Basic dTpwOnc=");
        assertThat(RtspAuthorization.answering(List.of("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256",
                "Bearer x"), "u", "p")).isEmpty();
    }

    @Test
    void challengeParametersMayBeQuotedWithCommasAndEscapes() {
        assertThat(RtspAuthorization.params("realm=\"a, \\\"b\\\"\", nonce=abc ,stale=FALSE"))
                .isEqualTo(Map.of("realm", "a, \"b\"", "nonce", "abc", "stale", "FALSE"));
    }
}
