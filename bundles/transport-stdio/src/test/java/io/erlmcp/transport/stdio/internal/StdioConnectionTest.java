// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.stdio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.erlmcp.transport.MessageKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stdio transport over piped streams against {@link TestEndpoint}. */
class StdioConnectionTest {

    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private final ObjectMapper mapper = new ObjectMapper();
    private final TestEndpoint endpoint = new TestEndpoint();
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final Lines stdout = new Lines();
    private final CountDownLatch ended = new CountDownLatch(1);
    private StdioConnection connection;

    private void start(long maxLine) throws IOException {
        connection = new StdioConnection(endpoint, new PipedInputStream(stdin, 1 << 16), stdout, maxLine, 10_000,
                2_000, ended::countDown);
        connection.start();
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        endpoint.close();
    }

    private void write(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private JsonNode next() throws Exception {
        String line = stdout.lines.poll(5, TimeUnit.SECONDS);
        assertThat(line).as("a line on stdout within 5 s").isNotNull();
        return mapper.readTree(line);
    }

    private static String call(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    @Test
    void eachMessageIsOneLineAndEveryRequestIsAnswered() throws Exception {
        start(1 << 20);
        write(INIT + "\n");
        assertThat(next().at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
        write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n" + call(2, "ping", "{}") + "\r\n\n  \n"
                + call(3, "echo", "{\"text\":\"a\\nb\"}") + "\n");
        assertThat(next().get("id").asInt()).isEqualTo(2);
        JsonNode echo = next();
        assertThat(echo.get("id").asInt()).isEqualTo(3);
        assertThat(echo.at("/result/text").asText()).isEqualTo("a\nb");
        assertThat(endpoint.sessions.get(connection.session().id()).notifications)
                .containsExactly("notifications/initialized");
        assertThat(endpoint.opened.get(0).transport()).isEqualTo("stdio");
        assertThat(stdout.garbage).isEmpty();
    }

    @Test
    void progressIsWrittenBeforeTheResponse() throws Exception {
        start(1 << 20);
        write(INIT + "\n" + call(2, "slow", "{\"delayMs\":50}") + "\n");
        next();
        assertThat(next().get("method").asText()).isEqualTo("notifications/progress");
        assertThat(next().get("id").asInt()).isEqualTo(2);
    }

    @Test
    void garbageGetsTheEnginesErrorAndReadingGoesOn() throws Exception {
        start(1 << 20);
        write("this is not json\n");
        JsonNode error = next();
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(error.get("id").isNull()).isTrue();
        write(INIT + "\n");
        assertThat(next().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void aLineOverTheLimitIsSkippedWithAnErrorAndReadingGoesOn() throws Exception {
        start(1000);
        write(call(5, "echo", "{\"text\":\"" + "x".repeat(200_000) + "\"}") + "\n");
        JsonNode error = next();
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(error.at("/error/message").asText()).contains("1000 bytes");
        write(INIT + "\n" + call(6, "echo", "{\"text\":\"" + "y".repeat(500) + "\"}") + "\n");
        assertThat(next().get("id").asInt()).isEqualTo(1);
        assertThat(next().at("/result/text").asText()).hasSize(500);
    }

    @Test
    void endOfInputAnswersWhatIsOwedThenClosesTheSessionAndEnds() throws Exception {
        start(1 << 20);
        write(INIT + "\n" + call(2, "sleep", "{\"delayMs\":300}") + "\n");
        stdin.close();
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(next().get("id").asInt()).isEqualTo(1);
        assertThat(next().get("id").asInt()).as("answered after EOF").isEqualTo(2);
        assertThat(connection.session().isClosed()).isTrue();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void aLastLineWithoutNewlineStillCounts() throws Exception {
        start(1 << 20);
        write(INIT);
        stdin.close();
        assertThat(next().get("id").asInt()).isEqualTo(1);
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void concurrentSendersNeverInterleaveLines() throws Exception {
        start(1 << 20);
        write(INIT + "\n");
        next();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    connection.send(("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"t\":" + id + ",\"i\":" + i
                            + ",\"pad\":\"" + "z".repeat(1000) + "\"}}").getBytes(StandardCharsets.UTF_8),
                            MessageKind.NOTIFICATION);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        int[] lastSeen = new int[8];
        java.util.Arrays.fill(lastSeen, -1);
        for (int k = 0; k < 1600; k++) {
            JsonNode n = next();
            int t = n.at("/params/t").asInt();
            int i = n.at("/params/i").asInt();
            assertThat(i).as("per-sender order").isEqualTo(lastSeen[t] + 1);
            lastSeen[t] = i;
        }
        assertThat(stdout.garbage).isEmpty();
    }

    @Test
    void aMessageWithRawLineBreaksStillGoesOutAsOneLine() {
        assertThat(new String(StdioConnection.oneLine("{\n\"a\":\r\n1}".getBytes()), StandardCharsets.UTF_8))
                .isEqualTo("{ \"a\":  1}\n");
    }

    @Test
    void aClientThatClosesStdoutEndsTheConnection() throws Exception {
        stdout.broken = true;
        start(1 << 20);
        write(INIT + "\n");
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(connection.session().isClosed()).isTrue();
    }

    /** Collects whole lines; anything that is not one JSON object per line lands in {@link #garbage}. */
    private final class Lines extends OutputStream {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> garbage = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        volatile boolean broken;

        @Override
        public synchronized void write(int b) throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
            if (b == '\n') {
                String line = current.toString(StandardCharsets.UTF_8);
                current.reset();
                try {
                    if (!mapper.readTree(line).isObject()) {
                        garbage.add(line);
                    }
                } catch (IOException e) {
                    garbage.add(line);
                }
                lines.add(line);
            } else {
                current.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
