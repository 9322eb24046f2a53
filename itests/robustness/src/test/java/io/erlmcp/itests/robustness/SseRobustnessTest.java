// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Bad input on the legacy HTTP+SSE transport ({@code GET /sse}, {@code POST /messages}) of a release node. */
class SseRobustnessTest extends NetworkRobustnessTest {

    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "robustness-sse-reader");
        t.setDaemon(true);
        return t;
    });

    private static Node node;
    private static Baseline baseline;

    /** An open {@code GET /sse} response and its session's POST target. */
    record Stream(RawHttp http, SseEvents events, String messages) {
        /** The next {@code message} event's JSON matching {@code id}, skipping others. */
        JsonNode response(long id) throws IOException {
            for (SseEvents.Event e = events.next(); e != null; e = events.next()) {
                if ("message".equals(e.name())) {
                    JsonNode m = Mcp.parse(e.data());
                    if (m.path("id").asLong(-1) == id && !m.has("method")) {
                        return m;
                    }
                }
            }
            throw new AssertionError("the stream ended before the response to " + id);
        }
    }

    @BeforeAll
    static void warmUp() throws Exception {
        node = SharedNode.node();
        for (int c = 0; c < 3; c++) {
            // The stream first: a POST connection opened before it could sit idle past the node's 2 s idle
            // timeout while a fresh node answers its first GET /sse slowly.
            Stream s = stream(0);
            try (RawHttp post = RawHttp.connect(node.httpPort)) {
                initialize(s, post);
                for (int i = 0; i < 10; i++) {
                    assertThat(post(post, s.messages(), Mcp.echo(10 + i, "warm-up " + i)).status()).isEqualTo(202);
                    assertThat(Mcp.text(s.response(10 + i))).isEqualTo("warm-up " + i);
                }
                s.http().close();
            }
        }
        baseline = Baseline.of(node, "sse", 0);
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
        Stream s = stream(0);
        try (RawHttp post = RawHttp.connect(node.httpPort)) {
            initialize(s, post);
            assertThat(post(post, s.messages(), Mcp.echo(2, "fresh client")).status()).isEqualTo(202);
            assertThat(Mcp.text(s.response(2))).isEqualTo("fresh client");
            s.http().close();
        }
    }

    @Test
    void badBodiesGetClearErrorsAndTheSessionStaysUsable() throws Exception {
        Stream s = open(0);
        RawHttp post = open();
        RawHttp.Response r = post(post, s.messages(), "this is {not json");
        assertThat(r.status()).isEqualTo(400);
        assertThat(Mcp.isError(Mcp.parse(r.body()), -32700)).as(r.text()).isTrue();
        post.postJson(s.messages(), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, '{'});
        r = post.response(5_000);
        assertThat(r.status()).isEqualTo(400);
        assertThat(Mcp.isError(Mcp.parse(r.body()), -32700)).as(r.text()).isTrue();
        post.head("POST", s.messages(), "Content-Type: text/plain", "Content-Length: 2");
        post.raw("hi");
        r = post.response(5_000);
        assertThat(r.status()).isEqualTo(415);
        assertThat(Mcp.parse(r.body()).get("id").isNull()).as(r.text()).isTrue();
        post = open(); // the server may close a connection after an error
        assertThat(post(post, "/messages?sessionId=no-such-session", Mcp.initialized()).status()).isEqualTo(404);
        post = open();
        initialize(s, post);
        assertThat(post(post, s.messages(), Mcp.echo(2, "after garbage")).status()).isEqualTo(202);
        assertThat(Mcp.text(s.response(2))).isEqualTo("after garbage");
    }

    @Test
    void anUnfinishedBodyAndSilenceGet400AndAClose() throws Exception {
        Stream s = open(0);
        RawHttp post = open();
        post.head("POST", s.messages(), "Content-Type: application/json", "Content-Length: 100");
        post.raw("{\"jsonrpc\":\"2.0\",");
        RawHttp.Response r = post.response(10_000); // the connector's idle timeout (2 s) fails the body read
        Baseline.record("sse unfinished body: " + r.status() + " " + r.text());
        assertThat(r.status()).isEqualTo(400);
        post.awaitEnd(5_000);
    }

    @Test
    void aHundredMegabyteContentLengthGets413AtOnce() throws Exception {
        Stream s = open(0);
        RawHttp post = open();
        post.head("POST", s.messages(), "Content-Type: application/json", "Content-Length: " + (100L << 20));
        post.raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"");
        RawHttp.Response r = post.response(5_000);
        assertThat(r.status()).isEqualTo(413);
        assertThat(Mcp.isError(Mcp.parse(r.body()), -32600)).as(r.text()).isTrue();
        post.awaitEnd(5_000);
    }

    @Test
    void aHundredMegabyteChunkedBodyGets413Early() throws Exception {
        Stream s = open(0);
        RawHttp post = open();
        post.head("POST", s.messages(), "Content-Type: application/json", "Transfer-Encoding: chunked");
        Future<RawHttp.Response> answer = READERS.submit(() -> post.response(30_000));
        long sent = post.sendChunksUntil(answer, 100L << 20);
        RawHttp.Response r = answer.get(10, TimeUnit.SECONDS);
        Baseline.record("sse 100 MB chunked body: " + r.status() + " after " + sent / 1024 + " KiB sent");
        assertThat(r.status()).isEqualTo(413);
        assertThat(sent).isLessThan(16L << 20);
    }

    @Test
    void aSlowReaderLosesItsStreamAndSession() throws Exception {
        Stream s = open(16 * 1024);
        RawHttp post = open();
        initialize(s, post);
        String big = Mcp.repeat('s', 32 * 1024);
        int calls = 400; // 12.5 MiB of events: more than socket buffers and the 256 KiB queue together
        int accepted = 0;
        int status = 202;
        for (int i = 0; i < calls && status == 202; i++) {
            status = post(post, s.messages(), Mcp.echo(100 + i, big)).status();
            accepted += status == 202 ? 1 : 0;
        }
        if (status == 202) {
            // the last events may still be queued: wait for the writer to give up (bounded)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (status == 202 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                status = post(post, s.messages(), "{\"jsonrpc\":\"2.0\",\"id\":9999,\"method\":\"ping\"}").status();
            }
        }
        Baseline.record("sse slow reader: " + accepted + " of " + calls + " calls accepted, then " + status);
        assertThat(status).as("the session of a stream that fell behind is gone").isEqualTo(404);
        long bytes = s.http().awaitEnd(10_000);
        Baseline.record("sse slow reader: " + bytes / 1024 + " KiB read from the stream before its end");
    }

    @Test
    void aClientThatVanishesWhileAToolWaitsForIt() throws Exception {
        Stream s = open(0);
        RawHttp post = open();
        initialize(s, post);
        assertThat(post(post, s.messages(), Mcp.elicitation(2)).status()).isEqualTo(202);
        for (SseEvents.Event e = s.events().next(); ; e = s.events().next()) {
            assertThat(e).as("elicitation/create on the stream").isNotNull();
            if (e.data().contains("elicitation/create")) {
                break;
            }
        }
        Loopback.reset(s.http().socket);
        awaitSessionGone(post, s);
    }

    @Test
    void aClientThatVanishesFromAnIdleStream() throws Exception {
        Stream s = open(0);
        RawHttp post = open();
        initialize(s, post);
        Loopback.reset(s.http().socket);
        awaitSessionGone(post, s); // the next keep-alive (every second) finds the connection gone
    }

    private static void awaitSessionGone(RawHttp post, Stream s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status;
        do {
            Thread.sleep(250);
            status = post(post, s.messages(), "{\"jsonrpc\":\"2.0\",\"id\":9999,\"method\":\"ping\"}").status();
        } while (status == 202 && System.nanoTime() < deadline);
        assertThat(status).as("the session of a vanished stream ends").isEqualTo(404);
    }

    private Stream open(int receiveBuffer) throws IOException {
        Stream s = stream(receiveBuffer);
        closeAfter(s.http());
        return s;
    }

    private RawHttp open() throws IOException {
        return closeAfter(RawHttp.connect(node.httpPort));
    }

    /** GET /sse and its endpoint event. */
    static Stream stream(int receiveBuffer) throws IOException {
        RawHttp http = RawHttp.connect(node.httpPort, receiveBuffer);
        http.head("GET", "/sse", "Accept: text/event-stream");
        RawHttp.Response head = http.responseHead();
        assertThat(head.status()).isEqualTo(200);
        SseEvents events = new SseEvents(http.chunked());
        SseEvents.Event endpoint = events.next();
        assertThat(endpoint).isNotNull();
        assertThat(endpoint.name()).isEqualTo("endpoint");
        return new Stream(http, events, endpoint.data());
    }

    static void initialize(Stream s, RawHttp post) throws IOException {
        assertThat(post(post, s.messages(), Mcp.initialize(1, "2024-11-05")).status()).isEqualTo(202);
        s.response(1);
        assertThat(post(post, s.messages(), Mcp.initialized()).status()).isEqualTo(202);
    }

    static RawHttp.Response post(RawHttp post, String target, String json) throws IOException {
        post.postJson(target, json);
        return post.response(10_000);
    }
}
