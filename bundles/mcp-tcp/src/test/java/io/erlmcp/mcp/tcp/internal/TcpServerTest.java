// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.transport.testkit.Await;
import io.erlmcp.transport.testkit.SelfSignedKeystore;
import io.erlmcp.transport.testkit.TestEndpoint;

/** The TCP listener on real sockets on 127.0.0.1:0. */
class TcpServerTest {

    private static final String INIT = TestEndpoint.initializeRequest("2025-11-25");

    private TestEndpoint endpoint;
    private TcpServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @TempDir
    Path dir;

    private void start(TcpSettings settings) throws Exception {
        endpoint = new TestEndpoint();
        server = new TcpServer(endpoint, settings);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop();
            endpoint.shutdown();
        }
    }

    /** A line-based test client. */
    final class Client implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final BufferedReader in;

        Client(Socket socket) throws Exception {
            this.socket = socket;
            sockets.add(socket);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        Client() throws Exception {
            this(new Socket("127.0.0.1", server.port()));
        }

        void send(String line) throws Exception {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        JsonNode next() throws Exception {
            String line = in.readLine();
            assertThat(line).as("a line").isNotNull();
            return TestEndpoint.JSON.readTree(line);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static void roundTrip(Client c) throws Exception {
        c.send(INIT);
        JsonNode init = c.next();
        assertThat(init.path("id").asInt()).isEqualTo(1);
        assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        c.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(c.next().path("id").asInt()).isEqualTo(2);
        c.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"héllo\"}}}");
        JsonNode call = c.next();
        assertThat(call.path("id").asInt()).isEqualTo(3);
        assertThat(call.path("result").path("content").get(0).path("text").asText()).contains("héllo");
    }

    @Test
    void initializePingAndToolCall() throws Exception {
        start(TcpSettings.local());
        try (Client c = new Client()) {
            roundTrip(c);
            c.send("");
            c.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}\r");
            assertThat(c.next().path("id").asInt()).isEqualTo(4);
        }
        assertThat(endpoint.opened).hasSize(1);
        assertThat(endpoint.opened.get(0).transport.transport()).isEqualTo("tcp");
        assertThat(endpoint.opened.get(0).transport.remote()).startsWith("127.0.0.1:");
        Await.until(() -> endpoint.opened.get(0).closed, "session closed when the client disconnects");
        Await.until(() -> server.connections().isEmpty(), "connection forgotten");
    }

    @Test
    void aGarbageLineGetsAParseErrorAndTheConnectionStaysUsable() throws Exception {
        start(TcpSettings.local());
        try (Client c = new Client()) {
            c.send("this is {not json");
            JsonNode error = c.next();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);
            c.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
            assertThat(c.next().path("id").asInt()).isEqualTo(9);
        }
    }

    @Test
    void anOverlongLineGets32600AndIsDiscarded() throws Exception {
        start(TcpSettings.local()); // 64 KiB lines
        try (Client c = new Client()) {
            c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(200_000)
                    + "\"}}");
            JsonNode error = c.next();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(error.path("id").isNull()).isTrue();
            c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            JsonNode pong = c.next();
            assertThat(pong.path("id").asInt()).isEqualTo(2);
            assertThat(pong.has("result")).isTrue();
        }
    }

    @Test
    void aHalfCloseAfterTheLastRequestStillGetsItsAnswers() throws Exception {
        start(TcpSettings.local());
        try (Client c = new Client()) {
            c.send(INIT);
            assertThat(c.next().path("id").asInt()).isEqualTo(1);
            c.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"slow\",\"params\":{\"millis\":300}}");
            c.socket.shutdownOutput(); // as nc -N does after its input
            assertThat(c.next().path("method").asText()).isEqualTo("notifications/progress");
            JsonNode answer = c.next(); // was lost: the socket closed at the end of input
            assertThat(answer.path("id").asInt()).isEqualTo(5);
            assertThat(answer.path("result").path("slow").asBoolean()).isTrue();
            assertThat(c.in.readLine()).as("then the end").isNull();
        }
        Await.until(() -> server.connections().isEmpty(), "connection forgotten");
    }

    @Test
    void aHalfClosedConnectionWaitsForAnswersAtMostTheIdleTimeout() throws Exception {
        start(TcpSettings.local().withIdleTimeoutMillis(300));
        try (Client c = new Client()) {
            c.send(INIT);
            assertThat(c.next().path("id").asInt()).isEqualTo(1);
            c.send("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"slow\",\"params\":{\"millis\":60000}}");
            c.socket.shutdownOutput();
            long start = System.nanoTime();
            assertThat(c.next().path("method").asText()).isEqualTo("notifications/progress");
            assertThat(c.in.readLine()).as("closed without the answer").isNull();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        }
    }

    @Test
    void anOverlongLineIsAnsweredBeforeItEndsAndOnlyOnce() throws Exception {
        start(TcpSettings.local()); // 64 KiB lines
        try (Client c = new Client()) {
            byte[] chunk = "x".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 8; i++) { // 128 KiB, no line break yet
                c.out.write(chunk);
            }
            c.out.flush();
            JsonNode error = c.next(); // would block until the line ended before
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(error.path("id").isNull()).isTrue();
            for (int i = 0; i < 8; i++) {
                c.out.write(chunk);
            }
            c.send("");
            c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            assertThat(c.next().path("id").asInt()).as("no second error for the same line").isEqualTo(2);
        }
    }

    @Test
    void beyondMaxConnectionsAClientGetsOneErrorLineAndIsClosed() throws Exception {
        start(TcpSettings.local().withMaxConnections(2));
        try (Client a = new Client(); Client b = new Client()) {
            a.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            b.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            a.next();
            b.next();
            try (Client c = new Client()) {
                JsonNode refused = c.next();
                assertThat(refused.path("error").path("message").asText()).isEqualTo("server at max_connections");
                assertThat(c.in.readLine()).isNull();
            }
            a.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            assertThat(a.next().path("id").asInt()).isEqualTo(2);
        }
        Await.until(() -> server.connections().isEmpty(), "both closed");
        try (Client d = new Client()) {
            d.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            assertThat(d.next().path("id").asInt()).isEqualTo(3);
        }
        assertThat(endpoint.opened).hasSize(3);
    }

    @Test
    void aClientThatVanishesMidResponseLeaksNoThreads() throws Exception {
        start(TcpSettings.local().withMaxConnections(100));
        long before = threads();
        for (int i = 0; i < 20; i++) {
            Client c = new Client();
            c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"slow\",\"params\":{\"millis\":100}}");
            c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"flood\",\"params\":{\"count\":50,\"size\":1000}}");
            c.socket.setSoLinger(true, 0); // reset: the client is gone, not closing politely
            c.close();
        }
        Await.until(() -> server.connections().isEmpty(), "all connections closed");
        // A connection reset before its reader started may never open a session; every opened one is closed.
        Await.until(() -> endpoint.opened.stream().allMatch(s -> s.closed), "all sessions closed");
        assertThat(endpoint.opened).isNotEmpty();
        Thread.sleep(300); // the slow responses go to closed channels
        Await.until(() -> threads() <= before, "pool threads ended (was " + before + "): " + Thread.getAllStackTraces().keySet());
    }

    @Test
    void aSlowReaderIsClosedAtTheQueueBound() throws Exception {
        int maxMessages = 50;
        long maxBytes = 256 * 1024;
        start(TcpSettings.local().withQueue(maxMessages, maxBytes));
        Client c = new Client(); // never reads
        c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"flood\",\"params\":{\"count\":4000,\"size\":16384}}");
        Await.until(() -> endpoint.opened.size() == 1 && endpoint.opened.get(0).closed, "closed on overflow");
        TcpConnection connection = (TcpConnection) endpoint.opened.get(0).standalone;
        assertThat(connection.closeReason()).isEqualTo("outgoing queue full");
        assertThat(connection.peakQueuedMessages()).isLessThanOrEqualTo(maxMessages);
        assertThat(connection.peakQueuedBytes()).isLessThanOrEqualTo(maxBytes).isGreaterThan(0);
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        start(TcpSettings.local().withIdleTimeoutMillis(300));
        try (Client c = new Client()) {
            c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            c.next();
            assertThat(c.in.readLine()).isNull(); // closed by the server within ~2 × 300 ms
        }
        assertThat(((TcpConnection) endpoint.opened.get(0).standalone).closeReason()).startsWith("idle");
    }

    @Test
    void tls13RoundTripWithASelfSignedKeystore() throws Exception {
        SelfSignedKeystore keystore = new SelfSignedKeystore(dir.resolve("server.p12"));
        start(TcpSettings.local().withTls(keystore.file.toString(), keystore.password, "PKCS12"));
        SSLContext context = keystore.trustingContext();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        try (Client c = new Client(socket)) {
            roundTrip(c);
        }

        // A client limited to TLS 1.2 is refused.
        SSLSocket old = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
        sockets.add(old);
        old.setEnabledProtocols(new String[] {"TLSv1.2"});
        old.setSoTimeout(10_000);
        boolean failed;
        try {
            old.startHandshake();
            failed = false;
        } catch (java.io.IOException e) {
            failed = true;
        }
        assertThat(failed).isTrue();
    }

    private static long threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
    }
}
