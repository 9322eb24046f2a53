// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.testkit.Await;
import io.erlmcp.transport.testkit.TestEndpoint;

/** The WebSocket endpoint on a real Jetty server on port 0, driven by {@link java.net.http.WebSocket}. */
class McpWebSocketHandlerTest {

    private static final String INIT = TestEndpoint.initializeRequest("2025-11-25");

    private WsTestServer jetty;
    private final HttpClient http = HttpClient.newHttpClient();

    private void start(Settings settings) throws Exception {
        jetty = new WsTestServer(settings);
    }

    private void start() throws Exception {
        start(Settings.DEFAULTS.with(64 * 1024, 0, 50, 256 * 1024));
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    /** Collects text messages and the close; reads only when {@code reading}. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final boolean reading;

        Client(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void onOpen(WebSocket ws) {
            if (reading) {
                ws.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        JsonNode next() throws Exception {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return TestEndpoint.JSON.readTree(m);
        }
    }

    private WebSocket connect(Client client) {
        return http.newWebSocketBuilder().subprotocols("mcp").connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port + "/mcp/ws"), client).join();
    }

    private static void send(WebSocket ws, String text) {
        ws.sendText(text, true).join();
    }

    @Test
    void initializePingAndToolCall() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        assertThat(ws.getSubprotocol()).isEqualTo("mcp");

        send(ws, INIT);
        JsonNode init = client.next();
        assertThat(init.path("id").asInt()).isEqualTo(1);
        assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        send(ws, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(client.next().path("id").asInt()).isEqualTo(2);
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"héllo\"}}}");
        JsonNode call = client.next();
        assertThat(call.path("id").asInt()).isEqualTo(3);
        assertThat(call.path("result").path("content").get(0).path("text").asText()).contains("héllo");

        assertThat(jetty.endpoint.opened).hasSize(1);
        assertThat(jetty.endpoint.opened.get(0).transport.transport()).isEqualTo("ws");
        assertThat(jetty.endpoint.opened.get(0).transport.remote()).startsWith("127.0.0.1:");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void withoutSubprotocolTheConnectionIsAcceptedAndNoneIsSelected() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port + "/mcp/ws"), client).join();
        assertThat(ws.getSubprotocol()).isEmpty();
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");
        assertThat(client.next().path("id").asInt()).isEqualTo(7);
    }

    @Test
    void anotherSubprotocolOnlyIsRefused() throws Exception {
        start();
        assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("graphql-ws")
                .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port + "/mcp/ws"), new Client(true)).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(400));
    }

    @Test
    void garbageGetsAParseErrorAndTheConnectionStaysUsable() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        send(ws, INIT);
        client.next();
        send(ws, "this is {not json");
        JsonNode error = client.next();
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(error.path("id").isNull()).isTrue();
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
        assertThat(client.next().path("id").asInt()).isEqualTo(9);
    }

    @Test
    void anOversizedMessageClosesWith1009() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(70_000)
                + "\"}}");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        Await.until(() -> jetty.endpoint.opened.get(0).closed, "session closed");
    }

    @Test
    void anOversizedMessageInFragmentsClosesWith1009() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        String chunk = "x".repeat(30_000);
        ws.sendText("{\"pad\":\"" + chunk, false).join();
        ws.sendText(chunk, false).join();
        ws.sendText(chunk + "\"}", true).join();
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007() throws Exception {
        start();
        // The JDK client only sends valid text: a raw socket with a hand-made upgrade and masked frame.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", jetty.port)) {
            s.setSoTimeout(10_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(("GET /mcp/ws HTTP/1.1\r\nHost: 127.0.0.1:" + jetty.port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] payload = {'{', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, '}'};
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) 0x81; // FIN, text
            frame[1] = (byte) (0x80 | payload.length); // masked
            byte[] key = {1, 2, 3, 4};
            System.arraycopy(key, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ key[i & 3]);
            }
            out.write(frame);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            int state = 0; // skip the 101 head up to CRLF CRLF
            while (state < 4) {
                int b = in.read();
                assertThat(b).as("upgrade answer").isNotNegative();
                state = (b == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : (b == '\r' ? 1 : 0);
            }
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            assertThat(opcode).as("a close frame").isEqualTo(0x8);
            assertThat(length).isGreaterThanOrEqualTo(2);
            assertThat(in.readUnsignedShort()).isEqualTo(1007);
        }
        Await.until(() -> jetty.endpoint.opened.get(0).closed, "session closed");
    }

    @Test
    void utf8Check() {
        assertThat(WsConnection.isUtf8("{\"a\":\"héllo ✓ 𝄞\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(WsConnection.isUtf8(new byte[] {'"', (byte) 0xc3, 0x28, '"'})).isFalse();
        assertThat(WsConnection.isUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).as("a surrogate").isFalse();
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        ws.sendBinary(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)), true).join();
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
        Await.until(() -> jetty.endpoint.opened.get(0).closed, "session closed");
    }

    @Test
    void aForeignOriginIsRefusedWith403() throws Exception {
        start();
        assertThatThrownBy(() -> http.newWebSocketBuilder().header("Origin", "http://evil.example")
                .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port + "/mcp/ws"), new Client(true)).join())
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
        assertThat(jetty.endpoint.opened).isEmpty();
        // A local origin passes.
        WebSocket ws = http.newWebSocketBuilder().header("Origin", "http://localhost:3000")
                .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port + "/mcp/ws"), new Client(true)).join();
        ws.abort();
    }

    @Test
    void aPlainGetGets426() throws Exception {
        start();
        var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.port
                + "/mcp/ws")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(426);
    }

    @Test
    void aSlowReaderIsClosedAtTheQueueBoundInsteadOfGrowingMemory() throws Exception {
        int maxMessages = 50;
        long maxBytes = 256 * 1024;
        start(Settings.DEFAULTS.with(64 * 1024, 0, maxMessages, maxBytes));
        Client client = new Client(false); // never reads after the handshake
        WebSocket ws = connect(client);
        // 4000 x 16 KiB = 64 MiB: far more than the socket buffers hold.
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"flood\",\"params\":{\"count\":4000,\"size\":16384}}");
        Await.until(() -> jetty.endpoint.opened.size() == 1 && jetty.endpoint.opened.get(0).closed,
                "session closed on overflow");
        Await.until(() -> jetty.handler.connections().isEmpty(), "connection gone");
        WsConnection connection = (WsConnection) jetty.endpoint.opened.get(0).standalone;
        assertThat(connection.closeCode()).isEqualTo(1008);
        assertThat(connection.peakQueuedMessages()).isLessThanOrEqualTo(maxMessages);
        assertThat(connection.peakQueuedBytes()).isLessThanOrEqualTo(maxBytes).isGreaterThan(0);
        assertThat(connection.isOpen()).isFalse();
        ws.abort();
    }

    @Test
    void theSessionClosesWhenTheClientDisconnects() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        send(ws, INIT);
        client.next();
        TestEndpoint.TestSession session = jetty.endpoint.opened.get(0);
        assertThat(session.closed).isFalse();
        ws.abort(); // no close frame: the TCP connection just goes
        Await.until(() -> session.closed, "session closed after abort");
        Await.until(() -> jetty.handler.connections().isEmpty(), "connection forgotten");

        Client second = new Client(true);
        WebSocket ws2 = connect(second);
        Await.until(() -> jetty.endpoint.opened.size() == 2, "second session");
        ws2.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        Await.until(() -> jetty.endpoint.opened.get(1).closed, "session closed after close frame");
    }

    @Test
    void pingsKeepAnAnsweringPeerAndCloseOneThatDoesNotAnswer() throws Exception {
        start(Settings.DEFAULTS.with(64 * 1024, 150, 50, 256 * 1024));
        Client client = new Client(true); // the JDK client answers pings
        WebSocket ws = connect(client);
        Thread.sleep(800);
        send(ws, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
        assertThat(client.next().path("id").asInt()).isEqualTo(4);
        assertThat(client.closed).isNotDone();

        // A raw peer that completes the handshake and then never reads or answers.
        try (Socket raw = new Socket("127.0.0.1", jetty.port)) {
            OutputStream out = raw.getOutputStream();
            out.write(("GET /mcp/ws HTTP/1.1\r\nHost: 127.0.0.1:" + jetty.port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mcp\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            raw.setSoTimeout(10_000);
            InputStream in = raw.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 101");
            Await.until(() -> jetty.endpoint.opened.size() == 2 && jetty.endpoint.opened.get(1).closed,
                    "silent peer closed");
            WsConnection silent = (WsConnection) jetty.endpoint.opened.get(1).standalone;
            assertThat(silent.closeCode()).isEqualTo(1008);
        }
        assertThat(jetty.endpoint.opened.get(0).closed).isFalse();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void messagesSplitAcrossFramesAreJoined() throws Exception {
        start();
        Client client = new Client(true);
        WebSocket ws = connect(client);
        ws.sendText("{\"jsonrpc\":\"2.0\",", false).join();
        ws.sendText("\"id\":5,\"method\":\"ping\"}", true).join();
        assertThat(client.next().path("id").asInt()).isEqualTo(5);
        List.of(ws).forEach(WebSocket::abort);
    }
}
