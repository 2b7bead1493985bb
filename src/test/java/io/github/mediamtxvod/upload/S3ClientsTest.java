package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;

class S3ClientsTest {
    @Test
    void s3RequestsGoThroughTheCommonRuntimesHttpClientWhereItsLibraryLoads() {
        // Linux on x86-64 or ARM64 (glibc or musl), macOS and Windows: every platform the recorder is built for
        try (SdkHttpClient http = S3Clients.httpClient(4).build()) {
            assertThat(http).isInstanceOf(AwsCrtHttpClient.class);
        }
    }
}
