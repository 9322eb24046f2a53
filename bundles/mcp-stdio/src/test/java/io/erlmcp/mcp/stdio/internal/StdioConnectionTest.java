// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.stdio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/** The stdio transport over piped streams, against a stand-in engine. */
class StdioConnectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine = new Engine();
    private final CountDownLatch eof = new CountDownLatch(1);
    private PipedOutputStream stdin;
    private BufferedReader stdout;
    private StdioConnection connection;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 16);
        stdin = new PipedOutputStream(in);
        PipedInputStream outReader = new PipedInputStream(1 << 16);
        PipedOutputStream out = new PipedOutputStream(outReader);
        stdout = new BufferedReader(new InputStreamReader(outReader, StandardCharsets.UTF_8));
        connection = new StdioConnection(in, out, 200, 1_000, eof::countDown);
        connection.start();
        connection.endpoint(engine);
        connection.ready();
        // One long-lived thread reads stdout: a piped stream fails once a thread that used it has died.
        Thread reader = new Thread(() -> {
            try {
                for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("{\"closed\":true}");
            }
        }, "test-stdout-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterEach
    void stop() {
        connection.stop();
    }

    private void write(String line) throws IOException {
        stdin.write(line.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private JsonNode read() throws Exception {
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertThat(line).as("a line on stdout").isNotNull();
        return JSON.readTree(line);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void opensOneSessionAndAnswersLineByLine() throws Exception {
        write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}\n");
        assertThat(read().path("id").asInt()).isEqualTo(1);
        write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n\n");
        write("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n{\"jsonrpc\":\"2.0\",\"id\":3,");
        assertThat(read().path("id").asInt()).isEqualTo(2);
        write("\"method\":\"ping\"}\n");
        assertThat(read().path("id").asInt()).isEqualTo(3);
        assertThat(engine.opened).hasSize(1);
        assertThat(engine.opened.get(0).info.transport()).isEqualTo("stdio");
    }

    @Test
    void multiLineJsonFromTheEngineIsWrittenAsOneLine() throws Exception {
        write("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"pretty\"}\n");
        JsonNode answer = read();
        assertThat(answer.path("id").asInt()).isEqualTo(4);
        assertThat(answer.path("result").path("pretty").asBoolean()).isTrue();
    }

    @Test
    void garbageAndOverLongLinesAreAnsweredAndReadingGoesOn() throws Exception {
        write("this is not json\n");
        assertThat(read().path("error").path("code").asInt()).isEqualTo(-32700);
        write("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(500) + "\"}}\n");
        JsonNode tooLong = read();
        assertThat(tooLong.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(tooLong.path("id").isNull()).isTrue();
        write("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}\n");
        assertThat(read().path("id").asInt()).isEqualTo(6);
    }

    @Test
    void anOverLongLineIsAnsweredBeforeItEndsAndOnlyOnce() throws Exception {
        write("x".repeat(1_000)); // limit 200, no line break yet
        JsonNode tooLong = read(); // came only at the line break before
        assertThat(tooLong.path("error").path("code").asInt()).isEqualTo(-32600);
        write("x".repeat(1_000) + "\n");
        write("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}\n");
        assertThat(read().path("id").asInt()).as("no second error for the same line").isEqualTo(8);
    }

    @Test
    void endOfInputClosesTheSessionAndReportsEof() throws Exception {
        write("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n");
        assertThat(read().path("id").asInt()).isEqualTo(7);
        stdin.close();
        assertThat(eof.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.opened.get(0).closed).isTrue();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void serverMessagesOutsideRequestsUseTheSameStream() throws Exception {
        write("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}\n");
        read();
        engine.opened.get(0).standalone.send(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}"
                        .getBytes(StandardCharsets.UTF_8),
                MessageKind.NOTIFICATION);
        assertThat(read().path("method").asText()).isEqualTo("notifications/tools/list_changed");
    }

    @Test
    void linesWaitForAnEngineAndAReplacedEngineGetsANewSession() throws Exception {
        connection.endpointGone(engine);
        write("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n");
        assertThat(lines.poll(300, TimeUnit.MILLISECONDS)).isNull();
        Engine second = new Engine();
        connection.endpoint(second);
        assertThat(read().path("id").asInt()).isEqualTo(9);
        assertThat(second.opened).hasSize(1);
        Engine third = new Engine();
        connection.endpoint(third);
        connection.endpointGone(second);
        assertThat(second.opened.get(0).closed).isTrue();
        write("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}\n");
        assertThat(read().path("id").asInt()).isEqualTo(10);
        assertThat(third.opened).hasSize(1);
    }

    @Test
    void withoutAnEngineLinesAreRefusedAfterTheWaitAndEndOfInputIsReported() throws Exception {
        connection.endpointGone(engine);
        write("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"}\n");
        stdin.close();
        JsonNode refused = read();
        assertThat(refused.path("error").path("message").asText()).contains("no MCP engine");
        assertThat(eof.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.opened).isEmpty();
    }

    @Test
    void linesWaitUntilTheNodeHasStarted() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream input = new PipedOutputStream(in);
        PipedInputStream outReader = new PipedInputStream(1 << 16);
        StdioConnection late = new StdioConnection(in, new PipedOutputStream(outReader), 200, 5_000, () -> { });
        BufferedReader output = new BufferedReader(new InputStreamReader(outReader, StandardCharsets.UTF_8));
        late.endpoint(engine);
        late.start();
        try {
            input.write("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            input.flush();
            Thread.sleep(300);
            assertThat(engine.opened).isEmpty();
            late.ready();
            assertThat(JSON.readTree(output.readLine()).path("id").asInt()).isEqualTo(12);
        } finally {
            late.stop();
        }
    }

    @Test
    void aClientThatStopsReadingStdoutEndsTheSessionWithoutBlockingTheSender() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream input = new PipedOutputStream(in);
        PipedInputStream unread = new PipedInputStream(1024); // nobody reads it: the writer blocks at once
        CountDownLatch ended = new CountDownLatch(1);
        StdioConnection stuck = new StdioConnection(in, new PipedOutputStream(unread), 200, 1_000, 8 * 1024,
                ended::countDown);
        stuck.endpoint(engine);
        stuck.ready();
        stuck.start();
        try {
            input.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            input.flush();
            await(() -> !engine.opened.isEmpty(), "a session");
            byte[] message = ("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"pad\":\"" + "x".repeat(1_000)
                    + "\"}}").getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) { // 50 KB: past the 8 KiB bound plus the pipe
                stuck.send(message.clone(), MessageKind.NOTIFICATION);
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("sends never wait")
                    .isLessThan(2_000);
            assertThat(ended.await(5, TimeUnit.SECONDS)).as("the end is reported (the node stops)").isTrue();
            assertThat(stuck.isOpen()).isFalse();
            await(() -> engine.opened.get(0).closed, "session closed");
        } finally {
            stuck.stop();
        }
    }

    @Test
    void oneMessageLargerThanTheQueueBoundGoesOutToAReadingClient() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream input = new PipedOutputStream(in);
        PipedInputStream outReader = new PipedInputStream(1 << 16);
        CountDownLatch ended = new CountDownLatch(1);
        StdioConnection big = new StdioConnection(in, new PipedOutputStream(outReader), 200, 1_000, 8 * 1024,
                ended::countDown);
        BufferedReader output = new BufferedReader(new InputStreamReader(outReader, StandardCharsets.UTF_8));
        big.endpoint(engine);
        big.ready();
        big.start();
        try {
            big.send(("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"pad\":\"" + "x".repeat(20_000) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8), MessageKind.NOTIFICATION);
            assertThat(output.readLine()).hasSizeGreaterThan(20_000);
            assertThat(big.isOpen()).isTrue();
            assertThat(ended.getCount()).isEqualTo(1);
        } finally {
            big.stop();
        }
    }

    @Test
    void aClientThatClosesStdoutEndsTheSessionAlthoughStdinStaysOpen() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream input = new PipedOutputStream(in);
        java.io.OutputStream closedStdout = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        CountDownLatch ended = new CountDownLatch(1);
        StdioConnection gone = new StdioConnection(in, closedStdout, 200, 1_000, ended::countDown);
        gone.endpoint(engine);
        gone.ready();
        gone.start();
        try {
            input.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            input.flush(); // the answer cannot be written; stdin stays open
            assertThat(ended.await(5, TimeUnit.SECONDS)).as("the end is reported (the node stops)").isTrue();
            await(() -> engine.opened.get(0).closed, "session closed");
        } finally {
            gone.stop();
        }
    }

    @Test
    void endOfInputBeforeAnyLineIsReportedWithoutAnEngine() throws Exception {
        connection.endpointGone(engine);
        stdin.close();
        assertThat(eof.await(5, TimeUnit.SECONDS)).isTrue();
    }

    /** Answers every request with an empty result; {@code pretty} answers with pretty-printed JSON. */
    static final class Engine implements McpServerEndpoint {
        final List<Session> opened = new ArrayList<>();

        record Frame(JsonNode node, byte[] error) implements Inbound {
            @Override
            public boolean isInitialize() {
                return node != null && "initialize".equals(node.path("method").asText());
            }

            @Override
            public boolean hasRequests() {
                return node != null && node.has("id") && node.has("method");
            }

            @Override
            public boolean isBatch() {
                return false;
            }

            @Override
            public Optional<byte[]> errorResponse() {
                return Optional.ofNullable(error);
            }
        }

        @Override
        public Inbound parse(byte[] frame) {
            try {
                return new Frame(JSON.readTree(frame), null);
            } catch (IOException e) {
                return new Frame(null, ("{\"jsonrpc\":\"2.0\",\"id\":null,"
                        + "\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public synchronized ServerSession open(TransportInfo transport, MessageChannel standalone) {
            Session s = new Session(transport, standalone);
            opened.add(s);
            return s;
        }

        @Override
        public Optional<ServerSession> find(String sessionId) {
            return Optional.empty();
        }
    }

    static final class Session implements ServerSession {
        final TransportInfo info;
        final MessageChannel standalone;
        volatile boolean closed;

        Session(TransportInfo info, MessageChannel standalone) {
            this.info = info;
            this.standalone = standalone;
        }

        @Override
        public String id() {
            return "stdio-1";
        }

        @Override
        public String protocolVersion() {
            return "2025-11-25";
        }

        @Override
        public boolean initialized() {
            return true;
        }

        @Override
        public CompletionStage<Void> receive(Inbound frame, MessageChannel related) {
            Engine.Frame f = (Engine.Frame) frame;
            if (f.error() != null) {
                related.send(f.error(), MessageKind.RESPONSE);
            } else if (f.hasRequests()) {
                ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
                response.set("id", f.node().get("id"));
                ObjectNode result = response.putObject("result");
                try {
                    if ("pretty".equals(f.node().path("method").asText())) {
                        result.put("pretty", true);
                        related.send(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(response),
                                MessageKind.RESPONSE);
                    } else {
                        related.send(JSON.writeValueAsBytes(response), MessageKind.RESPONSE);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public MessageChannel attachStandalone(MessageChannel channel) {
            return null;
        }

        @Override
        public void detachStandalone(MessageChannel channel) {
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }
}
