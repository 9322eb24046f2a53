// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Bad input on {@code /mcp/ws} of a release node, with hand-written upgrades and frames. */
class WebSocketRobustnessTest extends NetworkRobustnessTest {

    private static Node node;
    private static Baseline baseline;

    @BeforeAll
    static void warmUp() throws Exception {
        node = SharedNode.node();
        for (int c = 0; c < 3; c++) {
            try (WsClient ws = WsClient.connect(node.httpPort, 0)) {
                ws.handshake();
                for (int i = 0; i < 10; i++) {
                    ws.text(Mcp.echo(10 + i, "warm-up " + i));
                }
                for (int i = 0; i < 10; i++) {
                    ws.response(10 + i, 10_000);
                }
            }
        }
        baseline = Baseline.of(node, "ws", 0);
    }

    @Override
    Baseline baseline() {
        return baseline;
    }

    @Override
    void assertFreshClientServed() throws Exception {
        try (WsClient fresh = WsClient.connect(node.httpPort, 0)) {
            fresh.handshake();
            fresh.text(Mcp.echo(2, "fresh client"));
            assertThat(Mcp.text(fresh.response(2, 5_000))).isEqualTo("fresh client");
        }
    }

    @Test
    void textThatIsNotJsonGetsAParseErrorAndTheConnectionStaysUsable() throws Exception {
        WsClient ws = open();
        ws.text("this is {not json");
        JsonNode error = ws.await(m -> true, 5_000, "an error");
        assertThat(Mcp.isError(error, -32700)).as("parse error with id null: %s", error).isTrue();
        ws.handshake();
        ws.text(Mcp.echo(2, "after garbage"));
        assertThat(Mcp.text(ws.response(2, 5_000))).isEqualTo("after garbage");
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007() throws Exception {
        WsClient ws = open();
        ws.frame(true, WsClient.TEXT, new byte[] {'{', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, '}'});
        assertThat(ws.awaitClose(5_000)).isEqualTo(1007);
    }

    @Test
    void anUnmaskedFrameClosesWith1002() throws Exception {
        WsClient ws = open();
        byte[] ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        ws.header(true, WsClient.TEXT, ping.length, false);
        ws.raw(ping);
        assertThat(ws.awaitClose(5_000)).isEqualTo(1002);
    }

    @Test
    void garbageBytesAfterTheUpgradeCloseWith1002() throws Exception {
        WsClient ws = open();
        ws.raw(new byte[] {(byte) 0x7b, (byte) 0xf3, 0x00, 0x11, (byte) 0xff, (byte) 0xfe, 'g', 'a', 'r', 'b'});
        assertThat(ws.awaitClose(5_000)).isEqualTo(1002);
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        WsClient ws = open();
        ws.frame(true, WsClient.BINARY, new byte[] {1, 2, 3});
        assertThat(ws.awaitClose(5_000)).isEqualTo(1003);
    }

    @Test
    void anUnfinishedMessageAndSilenceAreClosed() throws Exception {
        WsClient ws = open();
        ws.frame(false, WsClient.TEXT, "{\"jsonrpc\":\"2.0\",".getBytes(StandardCharsets.UTF_8));
        // No pongs from this client: the ping every second finds the previous one unanswered (1008), or the idle
        // timeout (5 s) ends it.
        int code = ws.awaitClose(10_000);
        Baseline.record("ws unfinished message and silence: close " + code);
        assertThat(code).isIn(1008, 1001, 1000, -1);
    }

    @Test
    void aFrameCutShortAndSilenceAreClosed() throws Exception {
        WsClient ws = open();
        ws.header(true, WsClient.TEXT, 1_000, true);
        ws.raw(new byte[10]);
        int code = ws.awaitClose(10_000);
        Baseline.record("ws frame cut short and silence: close " + code);
        assertThat(code).isIn(1008, 1001, 1000, -1);
    }

    @Test
    void aHundredMegabyteFrameClosesWith1009Early() throws Exception {
        WsClient ws = open().startReading();
        ws.header(true, WsClient.TEXT, 100L << 20, true);
        byte[] zeros = new byte[PIECE]; // masked: garbage, which does not matter
        long sent = streamUntilClosed(ws, 100L << 20, before -> ws.raw(zeros));
        assertClosedWith1009Early(ws, "100 MB frame", sent);
    }

    @Test
    void aHundredMegabyteMessageInFragmentsClosesWith1009Early() throws Exception {
        WsClient ws = open().startReading();
        byte[] fragment = Mcp.repeat('f', PIECE).getBytes(StandardCharsets.US_ASCII);
        long sent = streamUntilClosed(ws, 100L << 20,
                before -> ws.frame(false, before == 0 ? WsClient.TEXT : WsClient.CONTINUATION, fragment));
        assertClosedWith1009Early(ws, "100 MB fragmented message", sent);
    }

    @Test
    void aSlowReaderIsDisconnectedNotBuffered() throws Exception {
        WsClient ws = closeAfter(WsClient.connect(node.httpPort, 16 * 1024));
        ws.handshake();
        String big = Mcp.repeat('s', 32 * 1024);
        int calls = 600;
        int sentCalls = Mcp.sendEchoes(ws::text, calls, big); // the server may close before all are written
        Thread.sleep(1_000);
        int answers = ws.countUntilClosed(15_000);
        Baseline.record("ws slow reader: " + sentCalls + " calls sent, " + answers + " answers before the close, "
                + ws.endCause());
        assertThat(answers).isLessThan(calls);
    }

    @Test
    void aClientThatVanishesWhileAToolWaitsForIt() throws Exception {
        WsClient ws = open();
        ws.handshake();
        ws.text(Mcp.elicitation(2));
        ws.await(m -> "elicitation/create".equals(m.path("method").asText()), 5_000, "elicitation/create");
        Loopback.reset(ws.socket);
    }

    @Test
    void aClientThatVanishesWhileAnswersAreWritten() throws Exception {
        WsClient ws = open().startReading();
        ws.handshake();
        String big = Mcp.repeat('v', 16 * 1024);
        for (int i = 0; i < 20; i++) { // 320 KiB: within the 512 KiB queue while the client reads
            ws.text(Mcp.echo(100 + i, big));
        }
        ws.await(m -> m.has("result"), 5_000, "a first answer");
        Loopback.reset(ws.socket);
    }

    /** Bytes of payload each {@link Piece} sends. */
    private static final int PIECE = 64 * 1024;

    /** Sends the next {@link #PIECE} bytes of payload, {@code before} bytes having gone before it. */
    private interface Piece {
        void send(long before) throws IOException;
    }

    /** Sends pieces until the server closes (or a frame comes) or {@code max} bytes are sent; returns the bytes sent. */
    private static long streamUntilClosed(WsClient ws, long max, Piece piece) throws InterruptedException {
        long sent = 0;
        try {
            while (sent < max) {
                piece.send(sent);
                sent += PIECE;
                WsClient.Frame f = ws.next(0);
                if (f != null) {
                    ws.pushBack(f); // the close frame (or the end), for awaitClose
                    break;
                }
            }
        } catch (IOException closed) {
            // the server closed while we were sending
        }
        return sent;
    }

    /** The server closed with 1009 (message too big) before 16 MiB of the 100 MB were sent. */
    private static void assertClosedWith1009Early(WsClient ws, String what, long sent) throws InterruptedException {
        int code = ws.awaitClose(5_000);
        Baseline.record("ws " + what + ": close " + code + " after " + sent / 1024 + " KiB sent");
        assertThat(code).isEqualTo(1009);
        assertThat(sent).isLessThan(16L << 20);
    }

    private WsClient open() throws IOException {
        return closeAfter(WsClient.connect(node.httpPort, 0));
    }
}
