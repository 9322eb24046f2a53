// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.testkit.Await;
import io.erlmcp.transport.testkit.TestEndpoint;
import io.erlmcp.transport.testkit.TestEndpoint.TestSession;

/** The server ends a WebSocket session ({@code MessageChannel.sessionClosed}, as the engine does). */
class WsSessionEndTest {

    private static final String INIT = TestEndpoint.initializeRequest("2025-11-25");

    private WsTestServer jetty;
    private final HttpClient http = HttpClient.newHttpClient();

    private void start(Settings settings) throws Exception {
        jetty = new WsTestServer(settings);
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    /** Collects text messages, the close code and reason; reads on only while {@link #reading}. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        volatile boolean reading;
        final CompletableFuture<String> closed = new CompletableFuture<>(); // "<code> <reason>"
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            // no demand yet: the test decides when the client reads
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            if (reading || !last) {
                ws.request(1);
            }
            return null;
        }

        /** Reads on from now. */
        void read(WebSocket ws) {
            reading = true;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }

        JsonNode next() throws Exception {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return TestEndpoint.JSON.readTree(m);
        }
    }

    /** Connects and initializes (reading the one answer); the client reads on after {@link Client#read}. */
    private WebSocket connect(Client client) throws Exception {
        WebSocket ws = http.newWebSocketBuilder().subprotocols("mcp").connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port + "/mcp/ws"), client).join();
        ws.sendText(INIT, true).join();
        ws.request(1);
        assertThat(client.next().path("id").asInt()).isEqualTo(1);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", true).join();
        return ws;
    }

    @Test
    void whatWasQueuedIsDeliveredThenTheSocketClosesWith1000() throws Exception {
        start(Settings.DEFAULTS.with(64 * 1024, 0, 1_000, 8L << 20));
        Client client = new Client();
        WebSocket ws = connect(client);
        TestSession session = jetty.endpoint.opened.get(0);
        WsConnection connection = (WsConnection) session.standalone;
        int count = 900; // ~7 MiB: more than the socket buffers of a client that is not reading take
        for (int i = 0; i < count; i++) {
            connection.send(TestEndpoint.numberedNotification(i, 8_000), MessageKind.NOTIFICATION);
        }
        assertThat(connection.queuedMessages()).as("messages still queued when the session ends").isPositive();

        session.terminate(); // from the test thread
        connection.sessionClosed(); // a second call changes nothing
        assertThat(connection.isOpen()).isFalse();
        connection.send(TestEndpoint.numberedNotification(-1, 10), MessageKind.NOTIFICATION); // after the end: dropped

        client.read(ws);
        for (int i = 0; i < count; i++) {
            assertThat(client.next().path("params").path("n").asInt()).isEqualTo(i);
        }
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 " + WsConnection.SERVER_ENDED);
        assertThat(client.messages).as("nothing after the end").isEmpty();
        Await.until(() -> jetty.handler.connections().isEmpty(), "connection forgotten");
        assertThat(connection.closeCode()).isEqualTo(1000);
        assertThat(session.closeCalls.get()).as("the transport does not close the ended session again")
                .isZero();
    }

    @Test
    void aRequestThatEndsItsOwnSessionIsAnsweredThenClosed() throws Exception {
        start(Settings.DEFAULTS.with(64 * 1024, 0, 50, 256 * 1024));
        Client client = new Client();
        WebSocket ws = connect(client);
        client.read(ws);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"end_session\"}", true);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}", true); // may fail once closed
        JsonNode answer = client.next();
        assertThat(answer.path("id").asInt()).isEqualTo(7);
        assertThat(answer.path("result").path("ending").asBoolean()).isTrue();
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 " + WsConnection.SERVER_ENDED);
        assertThat(client.messages).as("no answer to the later request").isEmpty();
        Await.until(() -> jetty.handler.connections().isEmpty(), "connection forgotten");
        assertThat(jetty.endpoint.opened.get(0).closeCalls.get()).isZero();
    }

    @Test
    void aPeerThatNeverAnswersTheCloseIsDroppedWithinTheIdleTimeout() throws Exception {
        Settings d = Settings.DEFAULTS;
        start(new Settings(d.path(), 64 * 1024, d.allowedHosts(), d.allowedOrigins(), 0, 1_000, 50, 256 * 1024,
                d.closeGraceMillis()));
        try (Socket raw = new Socket("127.0.0.1", jetty.port)) {
            OutputStream out = raw.getOutputStream();
            out.write(("GET /mcp/ws HTTP/1.1\r\nHost: 127.0.0.1:" + jetty.port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mcp\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            raw.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(raw.getInputStream());
            int state = 0; // skip the 101 head up to CRLF CRLF
            while (state < 4) {
                int b = in.read();
                assertThat(b).as("upgrade answer").isNotNegative();
                state = (b == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : (b == '\r' ? 1 : 0);
            }
            Await.until(() -> jetty.endpoint.opened.size() == 1, "session opened");
            long start = System.nanoTime();
            jetty.endpoint.opened.get(0).terminate();
            assertThat(in.readUnsignedByte() & 0x0f).as("a close frame").isEqualTo(0x8);
            int length = in.readUnsignedByte() & 0x7f;
            assertThat(in.readUnsignedShort()).isEqualTo(1000);
            byte[] reason = in.readNBytes(length - 2);
            assertThat(new String(reason, StandardCharsets.UTF_8)).isEqualTo(WsConnection.SERVER_ENDED);
            assertThat(in.read()).as("the end of the stream").isEqualTo(-1);
            // This peer neither sends its close frame nor closes: Jetty's idle timeout (and, for a peer still reading
            // slowly, the transport's own bound of min(idle timeout, 10 s)) ends the connection.
            Await.until(() -> jetty.handler.connections().isEmpty(), "connection forgotten while the peer stays");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        }
        assertThat(jetty.endpoint.opened.get(0).closeCalls.get()).isZero();
    }

    @Test
    void aSessionTheClientEndsIsClosedOnceAndALateEndChangesNothing() throws Exception {
        start(Settings.DEFAULTS.with(64 * 1024, 0, 50, 256 * 1024));
        Client client = new Client();
        WebSocket ws = connect(client);
        TestSession session = jetty.endpoint.opened.get(0);
        MessageChannel channel = session.standalone;
        ws.abort();
        Await.until(() -> session.closed, "session closed by the transport");
        Await.until(() -> jetty.handler.connections().isEmpty(), "connection forgotten");
        channel.sessionClosed(); // the engine does not do this after a transport close; it must be harmless anyway
        assertThat(session.closeCalls.get()).isEqualTo(1);
        assertThat(((WsConnection) channel).closeCode()).isNotEqualTo(1000);

        Client other = new Client();
        WebSocket ws2 = connect(other); // the endpoint goes on
        other.read(ws2);
        ws2.sendText("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}", true).join();
        assertThat(other.next().path("id").asInt()).isEqualTo(2);
        ws2.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        Await.until(() -> jetty.endpoint.opened.get(1).closed, "second session closed by its client");
        assertThat(jetty.endpoint.opened.get(1).closeCalls.get()).isEqualTo(1);
    }
}
