// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.testkit.Await;
import io.erlmcp.transport.testkit.SelfSignedKeystore;
import io.erlmcp.transport.testkit.TestEndpoint;
import io.erlmcp.transport.testkit.TestEndpoint.TestSession;

/** The server ends a TCP session ({@code MessageChannel.sessionClosed}, as the engine does on terminate/expiry). */
class TcpSessionEndTest {

    private static final String INIT = TestEndpoint.initializeRequest("2025-11-25");

    private TestEndpoint endpoint;
    private TcpServer server;

    private void start(TcpSettings settings) throws Exception {
        endpoint = new TestEndpoint();
        server = new TcpServer(endpoint, settings);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
            endpoint.shutdown();
        }
    }

    /** Connects and initializes; returns the client. */
    private Socket connect() throws Exception {
        return connect(new Socket("127.0.0.1", server.port()));
    }

    private Socket connect(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        write(socket, INIT);
        assertThat(next(socket).path("id").asInt()).isEqualTo(1);
        write(socket, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return socket;
    }

    private static void write(Socket socket, String line) throws Exception {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private final Map<Socket, BufferedReader> readers = new HashMap<>();

    private BufferedReader in(Socket socket) throws Exception {
        BufferedReader r = readers.get(socket);
        if (r == null) {
            r = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            readers.put(socket, r);
        }
        return r;
    }

    private JsonNode next(Socket socket) throws Exception {
        String line = in(socket).readLine();
        assertThat(line).as("a line").isNotNull();
        return TestEndpoint.JSON.readTree(line);
    }

    @Test
    void whatWasQueuedIsWrittenThenTheConnectionEnds() throws Exception {
        start(TcpSettings.local().withQueue(1_000, 8L << 20));
        try (Socket client = connect()) {
            TestSession session = endpoint.opened.get(0);
            TcpConnection connection = (TcpConnection) session.standalone;
            int count = 900; // ~7 MiB: more than the socket buffers of a client that is not reading take
            for (int i = 0; i < count; i++) {
                connection.send(TestEndpoint.numberedNotification(i, 8_000), MessageKind.NOTIFICATION);
            }
            assertThat(connection.queuedMessages()).as("messages still queued when the session ends").isPositive();

            session.terminate(); // from the test thread, not one of the listener's
            connection.sessionClosed(); // a second call changes nothing
            assertThat(connection.isOpen()).isFalse();
            connection.send(TestEndpoint.numberedNotification(-1, 10), MessageKind.NOTIFICATION); // after the end: dropped

            for (int i = 0; i < count; i++) {
                assertThat(next(client).path("params").path("n").asInt()).isEqualTo(i);
            }
            assertThat(in(client).readLine()).as("then the end of the stream").isNull();
        }
        Await.until(() -> server.connections().isEmpty(), "connection closed and forgotten");
        TestSession session = endpoint.opened.get(0);
        assertThat(((TcpConnection) session.standalone).closeReason()).isEqualTo(TcpConnection.SERVER_ENDED);
        assertThat(session.closeCalls.get()).as("the transport does not close the ended session again")
                .isZero();
    }

    @Test
    void aRequestThatEndsItsOwnSessionIsAnsweredAndLaterInputIsIgnored() throws Exception {
        start(TcpSettings.local());
        try (Socket client = connect()) {
            // One write: the end, then a request the ended session must not see, read on the same thread.
            write(client, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"end_session\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}");
            JsonNode answer = next(client);
            assertThat(answer.path("id").asInt()).isEqualTo(7);
            assertThat(answer.path("result").path("ending").asBoolean()).isTrue();
            assertThat(in(client).readLine()).as("no answer to the later request, the end").isNull();
        }
        Await.until(() -> server.connections().isEmpty(), "connection closed");
        assertThat(endpoint.opened.get(0).closeCalls.get()).isZero();
    }

    @Test
    void aClientThatKeepsItsSideOpenIsClosedAfterTheGrace() throws Exception {
        start(TcpSettings.local().withIdleTimeoutMillis(400));
        try (Socket client = connect()) {
            TestSession session = endpoint.opened.get(0);
            session.terminate();
            assertThat(in(client).readLine()).isNull();
            long start = System.nanoTime();
            // The client neither writes nor closes: the server closes after min(idle timeout, 10 s).
            Await.until(() -> server.connections().isEmpty(), "closed without the client's close");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
            // The grace and the idle timeout are both 400 ms here: either may close it.
            assertThat(((TcpConnection) session.standalone).closeReason()).startsWith(TcpConnection.SERVER_ENDED);
        }
    }

    @Test
    void aClientThatHalfClosedFirstStillGetsWhatWasQueuedThenTheEnd() throws Exception {
        start(TcpSettings.local());
        try (Socket client = connect()) {
            write(client, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\",\"params\":{\"millis\":60000}}");
            client.shutdownOutput();
            assertThat(next(client).path("method").asText()).isEqualTo("notifications/progress");
            TestSession session = endpoint.opened.get(0);
            MessageChannel channel = session.standalone;
            channel.send(TestEndpoint.numberedNotification(1, 10), MessageKind.NOTIFICATION);
            session.terminate();
            assertThat(next(client).path("params").path("n").asInt()).isEqualTo(1);
            assertThat(in(client).readLine()).isNull();
        }
        Await.until(() -> server.connections().isEmpty(), "connection closed");
        assertThat(endpoint.opened.get(0).closeCalls.get()).isZero();
    }

    @Test
    void overTlsTheQueueIsWrittenThenTheStreamEnds(@TempDir Path dir) throws Exception {
        SelfSignedKeystore keystore = new SelfSignedKeystore(dir.resolve("server.p12"));
        start(TcpSettings.local().withQueue(1_000, 8L << 20).withTls(keystore.file.toString(), keystore.password,
                "PKCS12"));
        SSLContext context = keystore.trustingContext();
        try (Socket client = connect(context.getSocketFactory().createSocket("127.0.0.1", server.port()))) {
            TestSession session = endpoint.opened.get(0);
            for (int i = 0; i < 200; i++) {
                session.standalone.send(TestEndpoint.numberedNotification(i, 4_000), MessageKind.NOTIFICATION);
            }
            session.terminate();
            for (int i = 0; i < 200; i++) {
                assertThat(next(client).path("params").path("n").asInt()).isEqualTo(i);
            }
            assertThat(in(client).readLine()).as("close_notify: the end of the stream").isNull();
        }
        Await.until(() -> server.connections().isEmpty(), "connection closed");
        assertThat(((TcpConnection) endpoint.opened.get(0).standalone).closeReason())
                .isEqualTo(TcpConnection.SERVER_ENDED);
        assertThat(endpoint.opened.get(0).closeCalls.get()).isZero();
    }

    @Test
    void aSessionTheClientEndsIsClosedOnceAndALateEndChangesNothing() throws Exception {
        start(TcpSettings.local());
        Socket client = connect();
        TestSession session = endpoint.opened.get(0);
        MessageChannel channel = session.standalone;
        client.close();
        Await.until(() -> session.closed, "session closed by the transport");
        Await.until(() -> server.connections().isEmpty(), "connection forgotten");
        channel.sessionClosed(); // the engine does not do this after a transport close; it must be harmless anyway
        assertThat(session.closeCalls.get()).isEqualTo(1);
        assertThat(((TcpConnection) channel).closeReason()).isNotEqualTo(TcpConnection.SERVER_ENDED);

        try (Socket other = connect()) { // the listener goes on
            write(other, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            assertThat(next(other).path("id").asInt()).isEqualTo(2);
        }
    }
}
