// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Bad input on the TCP listener (newline-delimited JSON-RPC) of a release node. */
class TcpRobustnessTest extends NetworkRobustnessTest {

    private static Node node;
    private static Baseline baseline;

    @BeforeAll
    static void warmUp() throws Exception {
        node = SharedNode.node();
        // Normal use first, several clients at once: the pools the cases use have their threads.
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread t = new Thread(() -> {
                try (Socket s = connect()) {
                    Lines lines = lines(s);
                    lines.handshake();
                    for (int i = 0; i < 20; i++) {
                        lines.send(Mcp.echo(10 + i, "warm-up " + i));
                    }
                    for (int i = 0; i < 20; i++) {
                        lines.response(10 + i, 10_000);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join(30_000);
        }
        assertThat(failures).as("warm-up").isEmpty();
        baseline = Baseline.of(node, "tcp", 0);
    }

    @Override
    Baseline baseline() {
        return baseline;
    }

    @Test
    void garbageBytesGetParseErrorsAndTheConnectionStaysUsable() throws Exception {
        Lines lines = lines(open());
        lines.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, '\n'});
        lines.send("GET / HTTP/1.1");
        for (int i = 0; i < 2; i++) {
            JsonNode error = lines.await(m -> true, 5_000, "an error line");
            assertThat(Mcp.isError(error, -32700)).as("parse error with id null: %s", error).isTrue();
        }
        lines.handshake();
        lines.send(Mcp.echo(2, "after garbage"));
        assertThat(Mcp.text(lines.response(2, 5_000))).isEqualTo("after garbage");
    }

    @Test
    void anUnterminatedLineAndSilenceEndByTheIdleTimeout() throws Exception {
        Lines lines = lines(open());
        lines.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ini".getBytes(StandardCharsets.UTF_8));
        long start = System.nanoTime();
        lines.awaitEof(10_000); // idle_timeout_seconds = 2, checked at least once per period
        assertThat((System.nanoTime() - start) / 1_000_000).as("closed after the idle timeout")
                .isGreaterThanOrEqualTo(1_500);
    }

    @Test
    void aRequestThenAnUnterminatedLineAndAHalfCloseGetAnswersThenTheEnd() throws Exception {
        Socket s = open();
        Lines lines = lines(s);
        lines.send(Mcp.initialize(1));
        lines.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ini".getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput(); // as nc -N does
        assertThat(lines.response(1, 5_000).has("result")).as("the answer to the complete request").isTrue();
        JsonNode error = lines.await(m -> true, 5_000, "the error for the cut-off line");
        assertThat(Mcp.isError(error, -32700)).as("parse error with id null: %s", error).isTrue();
        lines.awaitEof(5_000);
    }

    @Test
    void aHundredMegabyteLineGetsAnErrorEarlyAndTheConnectionStaysUsable() throws Exception {
        Socket s = open();
        Lines lines = lines(s).startReading();
        Lines.LongLine streamed = lines.sendLongLine(100L << 20);
        long sent = streamed.sent();
        JsonNode error;
        if (streamed.answer() != null) {
            assertThat(streamed.answer()).as("the connection ended").isNotEqualTo(Lines.EOF);
            error = Mcp.parse(streamed.answer());
        } else {
            lines.sendRaw(new byte[] {'\n'});
            error = lines.await(m -> true, 5_000, "the error line");
        }
        Baseline.record("tcp 100 MB line: error after " + sent / 1024 + " KiB sent");
        assertThat(Mcp.isError(error, -32600)).as("-32600 with id null: %s", error).isTrue();
        assertThat(sent).as("bytes sent before the error came").isLessThan(16L << 20);
        lines.sendRaw(new byte[] {'\n'});
        lines.handshake();
        lines.send(Mcp.echo(2, "after the long line"));
        assertThat(Mcp.text(lines.response(2, 5_000))).isEqualTo("after the long line");
    }

    @Test
    void aSlowReaderIsDisconnectedNotBuffered() throws Exception {
        Socket s = closeAfter(Loopback.connect(node.tcpPort, 16 * 1024));
        Lines lines = lines(s);
        lines.handshake();
        String big = Mcp.repeat('s', 32 * 1024);
        int calls = 600; // 19 MiB of answers: more than socket buffers and the 512 KiB queue together
        int sentCalls = Mcp.sendEchoes(lines::send, calls, big); // the server may close before all are written
        Thread.sleep(1_000); // not reading: the queue passes its bound
        int answers = lines.awaitEof(15_000);
        Baseline.record("tcp slow reader: " + sentCalls + " calls sent, " + answers + " answers before the close ("
                + lines.bytesRead() / 1024 + " KiB), " + lines.endCause());
        assertThat(answers).as("answers before the server closed").isLessThan(calls);
    }

    @Test
    void aClientThatVanishesWhileAToolWaitsForIt() throws Exception {
        Socket s = open();
        Lines lines = lines(s);
        lines.handshake();
        lines.send(Mcp.elicitation(2));
        lines.await(m -> "elicitation/create".equals(m.path("method").asText()), 5_000, "elicitation/create");
        Loopback.reset(s);
    }

    @Test
    void aClientThatVanishesWhileAnswersAreWritten() throws Exception {
        Socket s = open();
        Lines lines = lines(s).startReading();
        lines.handshake();
        String big = Mcp.repeat('v', 16 * 1024);
        for (int i = 0; i < 20; i++) { // 320 KiB: within the 512 KiB queue while the client reads
            lines.send(Mcp.echo(100 + i, big));
        }
        lines.await(m -> m.has("result"), 5_000, "a first answer");
        Loopback.reset(s); // while the other answers are being written
    }

    @Override
    void assertFreshClientServed() throws Exception {
        try (Socket s = connect()) {
            Lines lines = lines(s);
            lines.handshake();
            lines.send(Mcp.echo(2, "fresh client"));
            assertThat(Mcp.text(lines.response(2, 5_000))).isEqualTo("fresh client");
        }
    }

    private Socket open() throws IOException {
        return closeAfter(connect());
    }

    private static Socket connect() throws IOException {
        return Loopback.connect(node.tcpPort, 0);
    }

    private static Lines lines(Socket s) throws IOException {
        return new Lines(s.getInputStream(), s.getOutputStream());
    }
}
