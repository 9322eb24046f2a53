// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SseStreamTest {

    private static String frame(String id, String data) {
        ByteBuffer b = SseStream.frame(id, data.getBytes(StandardCharsets.UTF_8));
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void oneLineOfJsonIsOneDataLine() {
        assertThat(frame(null, "{\"a\":\"é\"}")).isEqualTo("event: message\ndata: {\"a\":\"é\"}\n\n");
    }

    @Test
    void anIdIsWrittenFirst() {
        assertThat(frame("s1-42", "{}")).isEqualTo("id: s1-42\nevent: message\ndata: {}\n\n");
    }

    @Test
    void lineBreaksNeverEndTheEventEarly() {
        assertThat(frame(null, "{\n\"a\":1\r\n,\"b\":2\r}"))
                .isEqualTo("event: message\ndata: {\ndata: \"a\":1\ndata: ,\"b\":2\ndata: }\n\n");
    }
}
