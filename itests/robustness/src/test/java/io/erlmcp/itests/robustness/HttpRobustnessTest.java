// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Bad input on the Streamable HTTP endpoint {@code /mcp} of a release node, on raw sockets. */
class HttpRobustnessTest extends NetworkRobustnessTest {

    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "robustness-http-reader");
        t.setDaemon(true);
        return t;
    });

    private static Node node;
    private static Baseline baseline;

    @BeforeAll
    static void warmUp() throws Exception {
        node = SharedNode.node();
        for (int c = 0; c < 3; c++) {
            try (RawHttp http = RawHttp.connect(node.httpPort)) {
                String session = initialize(http, Mcp.VERSION);
                for (int i = 0; i < 10; i++) {
                    assertThat(Mcp.text(call(http, session, Mcp.echo(10 + i, "warm-up " + i)))).isEqualTo("warm-up " + i);
                }
                delete(http, session);
            }
        }
        baseline = Baseline.of(node, "http", 0);
    }

    @AfterAll
    static void stopReaders() {
        READERS.shutdownNow();
    }

    @Override
    Baseline baseline() {
        return baseline;
    }

    @Override
    void assertFreshClientServed() throws Exception {
        try (RawHttp fresh = RawHttp.connect(node.httpPort)) {
            String session = initialize(fresh, Mcp.VERSION);
            assertThat(Mcp.text(call(fresh, session, Mcp.echo(2, "fresh client")))).isEqualTo("fresh client");
            delete(fresh, session);
        }
    }

    @Test
    void bytesThatAreNotHttpGet400AndAClose() throws Exception {
        RawHttp c = open();
        c.raw(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xff, (byte) 0xfe, 'g', '\r', '\n', '\r', '\n'});
        RawHttp.Response r = c.responseHead();
        assertThat(r.status()).isEqualTo(400);
        c.awaitEnd(5_000);
    }

    @Test
    void aBodyThatIsNotJsonOrNotUtf8Gets400WithAParseError() throws Exception {
        RawHttp c = open();
        c.postJson("/mcp", new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, '{'});
        RawHttp.Response r = c.response(5_000);
        assertThat(r.status()).isEqualTo(400);
        assertThat(Mcp.isError(Mcp.parse(r.body()), -32700)).as(r.text()).isTrue();
        c.postJson("/mcp", "this is {not json");
        r = c.response(5_000);
        assertThat(r.status()).isEqualTo(400);
        assertThat(Mcp.isError(Mcp.parse(r.body()), -32700)).as(r.text()).isTrue();
        c.head("POST", "/mcp", "Content-Type: text/plain", "Accept: application/json, text/event-stream",
                "Content-Length: 2");
        c.raw("hi");
        r = c.response(5_000);
        assertThat(r.status()).isEqualTo(415);
        assertThat(Mcp.parse(r.body()).get("id").isNull()).as(r.text()).isTrue();
    }

    @Test
    void anUnfinishedHeadAndSilenceAreClosed() throws Exception {
        RawHttp c = open();
        c.raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl");
        c.awaitEnd(10_000); // the connector's idle timeout: 2 s
    }

    @Test
    void anUnfinishedBodyAndSilenceGet400AndAClose() throws Exception {
        RawHttp c = open();
        c.head("POST", "/mcp", "Content-Type: application/json", "Accept: application/json, text/event-stream",
                "Content-Length: 100");
        c.raw("{\"jsonrpc\":\"2.0\",");
        RawHttp.Response r = c.response(10_000); // the idle timeout fails the body read
        Baseline.record("http unfinished body: " + r.status() + " " + r.text());
        assertThat(r.status()).isEqualTo(400);
        c.awaitEnd(5_000);
    }

    @Test
    void aHundredMegabyteContentLengthGets413AtOnce() throws Exception {
        RawHttp c = open();
        c.head("POST", "/mcp", "Content-Type: application/json", "Accept: application/json, text/event-stream",
                "Content-Length: " + (100L << 20));
        c.raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"");
        RawHttp.Response r = c.response(5_000);
        assertThat(r.status()).isEqualTo(413);
        assertThat(Mcp.isError(Mcp.parse(r.body()), -32600)).as(r.text()).isTrue();
        c.awaitEnd(5_000);
    }

    @Test
    void aHundredMegabyteChunkedBodyGets413Early() throws Exception {
        RawHttp c = open();
        c.head("POST", "/mcp", "Content-Type: application/json", "Accept: application/json, text/event-stream",
                "Transfer-Encoding: chunked");
        Future<RawHttp.Response> answer = READERS.submit(() -> c.response(30_000));
        long sent = c.sendChunksUntil(answer, 100L << 20);
        RawHttp.Response r = answer.get(10, TimeUnit.SECONDS);
        Baseline.record("http 100 MB chunked body: " + r.status() + " after " + sent / 1024 + " KiB sent");
        assertThat(r.status()).isEqualTo(413);
        assertThat(sent).isLessThan(16L << 20);
    }

    @Test
    void aSlowReaderIsCutOffByTheIdleTimeoutNotBuffered() throws Exception {
        RawHttp setup = open();
        String session = initialize(setup, Mcp.VERSION);
        RawHttp c = closeAfter(RawHttp.connect(node.httpPort, 16 * 1024));
        // Pipelined: Jetty answers one request at a time, so it holds one 500 KB answer, not sixteen. 8 MB of
        // answers: more than the kernel's send buffer (tcp_wmem max 4 MiB here) and the 16 KiB receive buffer.
        int calls = 16;
        byte[] request = ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: " + session + "\r\n"
                + "MCP-Protocol-Version: " + Mcp.VERSION + "\r\n").getBytes(StandardCharsets.US_ASCII);
        String big = Mcp.repeat('s', 500_000);
        READERS.submit(() -> {
            for (int i = 0; i < calls; i++) {
                byte[] body = Mcp.echo(100 + i, big).getBytes(StandardCharsets.UTF_8);
                c.raw(request);
                c.raw("Content-Length: " + body.length + "\r\n\r\n");
                c.raw(body); // blocks once the server stops reading; ends when the socket closes
            }
            return null;
        });
        Thread.sleep(4_000); // not reading for longer than the idle timeout (2 s): the stuck write fails
        int answers = 0;
        try {
            while (true) {
                RawHttp.Response r = c.response(15_000);
                assertThat(r.status()).isEqualTo(200);
                answers++;
            }
        } catch (IOException ended) {
            Baseline.record("http slow reader: " + answers + " of " + calls + " answers before the close ("
                    + ended.getMessage() + ")");
        }
        assertThat(answers).as("answers before the server closed").isLessThan(calls);
        deleteSession(session);
    }

    @Test
    void aClientThatVanishesWhileAToolWaitsForIt() throws Exception {
        RawHttp setup = open();
        String session = initialize(setup, Mcp.VERSION);
        RawHttp c = open();
        c.postJson("/mcp", Mcp.elicitation(2), "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + Mcp.VERSION);
        RawHttp.Response head = c.responseHead();
        assertThat(head.header("content-type")).startsWith("text/event-stream");
        SseEvents events = new SseEvents(c.chunked());
        for (SseEvents.Event e = events.next(); ; e = events.next()) {
            assertThat(e).as("elicitation/create on the stream").isNotNull();
            if (e.data().contains("elicitation/create")) {
                break;
            }
        }
        Loopback.reset(c.socket);
        // The session is abandoned too: the engine's idle timeout (3 s) ends it once the tool gave up (2 s).
    }

    @Test
    void aStandaloneStreamWhoseClientVanishesIsReleased() throws Exception {
        RawHttp setup = open();
        String session = initialize(setup, Mcp.VERSION);
        RawHttp stream = open();
        stream.head("GET", "/mcp", "Accept: text/event-stream", "Mcp-Session-Id: " + session,
                "MCP-Protocol-Version: " + Mcp.VERSION);
        assertThat(stream.responseHead().status()).isEqualTo(200);
        Loopback.reset(stream.socket);
        // The session may open a new standalone stream once the server noticed (keep-alive every second).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status;
        do {
            try (RawHttp again = RawHttp.connect(node.httpPort)) {
                again.head("GET", "/mcp", "Accept: text/event-stream", "Mcp-Session-Id: " + session,
                        "MCP-Protocol-Version: " + Mcp.VERSION);
                status = again.responseHead().status();
            }
            if (status == 409) {
                Thread.sleep(250);
            }
        } while (status == 409 && System.nanoTime() < deadline);
        assertThat(status).as("a new GET stream after the old one's client vanished").isEqualTo(200);
        deleteSession(session);
    }

    private RawHttp open() throws IOException {
        return closeAfter(RawHttp.connect(node.httpPort));
    }

    /** initialize + notifications/initialized; returns the session id. */
    static String initialize(RawHttp http, String version) throws IOException {
        http.postJson("/mcp", Mcp.initialize(1, version));
        RawHttp.Response r = http.response(10_000);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String session = r.header("mcp-session-id");
        assertThat(session).isNotNull();
        http.postJson("/mcp", Mcp.initialized(), "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + version);
        assertThat(http.response(5_000).status()).isEqualTo(202);
        return session;
    }

    /** One request; its response, from a JSON answer or the last event of an SSE answer. */
    static JsonNode call(RawHttp http, String session, String request) throws IOException {
        http.postJson("/mcp", request, "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + Mcp.VERSION);
        RawHttp.Response r = http.response(10_000);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        if (String.valueOf(r.header("content-type")).startsWith("text/event-stream")) {
            SseEvents events = new SseEvents(new java.io.ByteArrayInputStream(r.body()));
            JsonNode last = null;
            for (SseEvents.Event e = events.next(); e != null; e = events.next()) {
                if (!e.data().isEmpty()) {
                    last = Mcp.parse(e.data());
                }
            }
            return last;
        }
        return Mcp.parse(r.body());
    }

    /**
     * DELETE on a new connection (the one that made the session may have idled out meanwhile); 404 is fine too:
     * an abandoned session expires after the engine's idle timeout (3 s here).
     */
    static void deleteSession(String session) throws IOException {
        try (RawHttp http = RawHttp.connect(node.httpPort)) {
            http.head("DELETE", "/mcp", "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + Mcp.VERSION,
                    "Content-Length: 0");
            assertThat(http.response(5_000).status()).isIn(200, 404);
        }
    }

    static void delete(RawHttp http, String session) throws IOException {
        http.head("DELETE", "/mcp", "Mcp-Session-Id: " + session, "MCP-Protocol-Version: " + Mcp.VERSION,
                "Content-Length: 0");
        assertThat(http.response(5_000).status()).isEqualTo(200);
    }

}
