package io.github.mediamtxvod.upload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DirectPutTest {
    @Test
    void theDateOfAnAnswerIsReadAsHttpWritesIt() {
        assertThat(DirectPut.httpDate("Sun, 06 Dec 2026 16:20:05 GMT"))
                .contains(java.time.Instant.parse("2026-12-06T16:20:05Z"));
        assertThat(DirectPut.httpDate(" Sun, 6 Dec 2026 16:20:05 GMT ")).contains(java.time.Instant.parse("2026-12-06T16:20:05Z"));
        assertThat(DirectPut.httpDate("yesterday")).isEmpty();
        assertThat(DirectPut.httpDate("")).isEmpty();
    }

    @Test
    void anS3ErrorAnswerGivesItsCodeMessageAndRequestId() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message>
                <Condition>If-None-Match</Condition><RequestId>4442587FB7D0A2F9</RequestId></Error>""";

        DirectPut.ErrorBody error = DirectPut.ErrorBody.parse(xml.getBytes(UTF_8));

        assertThat(error).isEqualTo(new DirectPut.ErrorBody("PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold", "4442587FB7D0A2F9"));
    }

    @Test
    void anEmptyOrForeignAnswerGivesNothingAndADocumentTypeIsNeverFollowed() {
        String entity = """
                <?xml version="1.0"?>
                <!DOCTYPE Error [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <Error><Code>&x;</Code></Error>""";

        assertThat(DirectPut.ErrorBody.parse(new byte[0])).isEqualTo(new DirectPut.ErrorBody(null, null, null));
        assertThat(DirectPut.ErrorBody.parse("<html>Bad Gateway</html>".getBytes(UTF_8)))
                .isEqualTo(new DirectPut.ErrorBody(null, null, null));
        assertThat(DirectPut.ErrorBody.parse("not xml".getBytes(UTF_8))).isEqualTo(new DirectPut.ErrorBody(null, null, null));
        assertThat(DirectPut.ErrorBody.parse(entity.getBytes(UTF_8))).isEqualTo(new DirectPut.ErrorBody(null, null, null));
    }
}
