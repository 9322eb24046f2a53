// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    @Test
    void joinsDataLinesAndKeepsTypeAndId() throws Exception {
        parser.read(stream(": comment\nid: 7\nevent: message\ndata: {\"a\":\ndata: 1}\n\ndata:x\n\n"));
        assertThat(events).containsExactly(new SseParser.Event("message", "{\"a\":\n1}", "7"),
                new SseParser.Event("message", "x", null));
        assertThat(parser.lastEventId()).isEqualTo("7");
    }

    @Test
    void crLfLinesNamedEventsAndRetry() throws Exception {
        parser.read(stream("retry: 1500\r\nevent: ping\r\ndata: hi\r\n\r\n"));
        assertThat(events).containsExactly(new SseParser.Event("ping", "hi", null));
        assertThat(parser.retryMillis()).isEqualTo(1500);
    }

    @Test
    void skipsEventsWithoutDataAndDispatchesTheLastEventAtEndOfStream() throws Exception {
        parser.read(stream("id: 1\n\nevent: x\n\ndata: last"));
        assertThat(events).containsExactly(new SseParser.Event("message", "last", null));
        assertThat(parser.lastEventId()).isEqualTo("1");
    }

    @Test
    void oneLeadingSpaceIsStrippedNotMore() {
        parser.line("data:  two spaces");
        parser.line("");
        assertThat(events).containsExactly(new SseParser.Event("message", " two spaces", null));
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
