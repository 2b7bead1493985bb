package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutesTest {
    @Test
    void aRefusedRequestIsLoggedWithoutTheHookToken() {
        assertThat(Routes.withoutToken("path=cam1&token=s3cret")).isEqualTo("path=cam1&token=[REDACTED]");
        assertThat(Routes.withoutToken("%74oken=s3cret&path=cam1")).as("however the name is encoded")
                .isEqualTo("%74oken=[REDACTED]&path=cam1");
        assertThat(Routes.withoutToken("token")).isEqualTo("token=[REDACTED]");
        assertThat(Routes.withoutToken("stream=e2e%2Fgate&at=2026-12-08T00%3A02%3A07.336Z&width=240"))
                .isEqualTo("stream=e2e%2Fgate&at=2026-12-08T00%3A02%3A07.336Z&width=240");
        assertThat(Routes.withoutToken("tokens=1&my_token=2")).isEqualTo("tokens=1&my_token=2");
        assertThat(Routes.withoutToken(null)).isEmpty();
    }
}
