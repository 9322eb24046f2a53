// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.ConnectionListener;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/** The TCP transport against a scripted line server on a real socket (plain and TLS 1.3). */
class TcpTransportTest {

    /** What the server does with one connection. */
    @FunctionalInterface
    interface Handler {
        void handle(Socket socket, int connection) throws Exception;
    }

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;
    private McpClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        for (Socket s : sockets) {
            s.close();
        }
    }

    private int serve(ServerSocket socket, Handler handler) throws IOException {
        server = socket;
        if (!socket.isBound()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        Acceptor.start(socket, sockets, connections, handler::handle);
        return socket.getLocalPort();
    }

    /**
     * Answers with {@link ScriptedMcp}, awkwardly: CRLF line ends, a blank and a non-JSON line first, and every
     * message written in two parts with a pause between. {@code tools/call never} closes the connection when
     * {@code closeOnNever}.
     */
    private Handler mcp(boolean closeOnNever) {
        return (socket, n) -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            out.write("\r\nnot json\n".getBytes(StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(n + " " + line);
                JsonNode message = JsonRpcPeer.JSON.readTree(line);
                if (closeOnNever && "never".equals(message.at("/params/name").asText())) {
                    socket.close();
                    return;
                }
                for (String answer : ScriptedMcp.answer(message)) {
                    byte[] bytes = (answer + "\r\n").getBytes(StandardCharsets.UTF_8);
                    int half = bytes.length / 2;
                    out.write(bytes, 0, half);
                    out.flush();
                    Thread.sleep(5);
                    out.write(bytes, half, bytes.length - half);
                    out.flush();
                }
            }
        };
    }

    @Test
    void oneLinePerMessageBothWays() throws Exception {
        int port = serve(new ServerSocket(), mcp(false));
        List<String> progress = new CopyOnWriteArrayList<>();
        client = McpClient.builder(ClientTransport.tcp("127.0.0.1", port))
                .notificationListener((m, p) -> progress.add(m + " " + p.path("progress").asInt())).build();
        assertThat(client.initialize().path("serverInfo").path("name").asText()).isEqualTo("scripted");
        JsonNode result = client.callTool("echo", "{\"message\":\"two\\nlines \\u00e9\"}");
        assertThat(result.at("/content/0/text").asText()).isEqualTo("two\nlines \u00e9");
        assertThat(progress).containsExactly("notifications/progress 1");
        assertThatThrownBy(() -> client.request("nope/nope", null)).isInstanceOfSatisfying(McpException.class,
                e -> assertThat(e.code()).isEqualTo(-32601));
        assertThat(lines).extracting(l -> JsonRpcPeer.JSON.readTree(l.substring(2)).path("method").asText())
                .containsExactly("initialize", "notifications/initialized", "tools/call", "nope/nope");
        assertThat(lines).allMatch(l -> l.startsWith("1 "));
    }

    @Test
    void aConnectionTheServerClosesFailsWaitingRequestsAtOnce() throws Exception {
        int port = serve(new ServerSocket(), mcp(true));
        List<String> states = new CopyOnWriteArrayList<>();
        client = McpClient.builder(ClientTransport.tcp("127.0.0.1", port)).requestTimeout(Duration.ofSeconds(30))
                .connectionListener((state, attempt, detail) -> states.add(state + " " + detail)).build();
        client.initialize();
        assertThat(ConnectionLoss.failureOfNever(client)).isInstanceOf(McpException.class)
                .hasMessageStartingWith("connection lost: the server closed the connection");
        ConnectionLoss.awaitState(states, "LOST");
        assertThat(states).containsExactly("LOST the server closed the connection");
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class).hasMessageStartingWith("connection lost: ");
    }

    @Test
    void theServersRefusalLineIsTheReason() throws Exception {
        int port = serve(new ServerSocket(), (socket, n) -> {
            socket.getOutputStream().write(("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,"
                    + "\"message\":\"server at max_connections\"}}\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        });
        client = McpClient.builder(ClientTransport.tcp("127.0.0.1", port)).requestTimeout(Duration.ofSeconds(30))
                .build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class)
                .hasMessageContaining("server at max_connections -32000");
    }

    @Test
    void tls13WithATrustedCertificateAndRefusedWithout(@TempDir Path dir) throws Exception {
        Path keystore = ScriptedMcp.keystore(dir);
        SSLServerSocket socket = (SSLServerSocket) ScriptedMcp.serverContext(keystore).getServerSocketFactory()
                .createServerSocket();
        List<String> protocols = new CopyOnWriteArrayList<>();
        Handler plain = mcp(false);
        int port = serve(socket, (s, n) -> {
            ((SSLSocket) s).startHandshake();
            protocols.add(((SSLSocket) s).getSession().getProtocol());
            plain.handle(s, n);
        });
        client = McpClient.builder(ClientTransport.tcp("127.0.0.1", port, ScriptedMcp.clientContext(keystore)))
                .build();
        client.initialize();
        assertThat(client.callTool("echo", "{\"message\":\"secret\"}").at("/content/0/text").asText())
                .isEqualTo("secret");
        assertThat(protocols).containsExactly("TLSv1.3");

        McpClient untrusting = McpClient.builder(ClientTransport.tcp("127.0.0.1", port, SSLContext.getDefault()))
                .build();
        assertThatThrownBy(untrusting::initialize).isInstanceOf(McpException.class)
                .hasMessageContaining("cannot connect to 127.0.0.1:" + port + " (TLS)");
        untrusting.close();
    }

    @Test
    void reconnectsWithBackoffAndInitializesAgain() throws Exception {
        int port = serve(new ServerSocket(), mcp(true));
        List<String> states = new CopyOnWriteArrayList<>();
        long[] lostAt = new long[1];
        client = McpClient.builder(ClientTransport.tcp("127.0.0.1", port))
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1), 5)
                .connectionListener((state, attempt, detail) -> {
                    if (state == ConnectionListener.State.LOST) {
                        lostAt[0] = System.nanoTime();
                    }
                    states.add(state + " " + attempt);
                }).build();
        client.initialize();
        assertThatThrownBy(() -> client.callTool("never", "{}")).isInstanceOf(McpException.class)
                .hasMessageStartingWith("connection lost");
        // While reconnecting, requests fail at once and never reach the new session before its initialize.
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class)
                .hasMessage("connection lost: the server closed the connection");
        ConnectionLoss.awaitState(states, "RECONNECTED 1");
        assertThat(states).containsExactly("LOST 0", "RECONNECTING 1", "RECONNECTED 1");
        assertThat(Duration.ofNanos(System.nanoTime() - lostAt[0])).as("half the initial delay at least")
                .isGreaterThanOrEqualTo(Duration.ofMillis(100));
        client.ping();
        assertThat(lines).filteredOn(l -> l.startsWith("2 ")).extracting(l -> JsonRpcPeer.JSON
                .readTree(l.substring(2)).path("method").asText())
                .containsExactly("initialize", "notifications/initialized", "ping");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void givesUpAfterMaxAttemptsWithGrowingDelays() throws Exception {
        int port = serve(new ServerSocket(), mcp(true));
        List<String> states = new CopyOnWriteArrayList<>();
        client = McpClient.builder(ClientTransport.tcp("127.0.0.1", port))
                .reconnect(Duration.ofMillis(100), Duration.ofMillis(400), 4)
                .connectionListener((state, attempt, detail) -> states.add(state + " " + attempt + " " + detail))
                .build();
        client.initialize();
        server.close(); // nobody listens any more: every attempt is refused
        assertThatThrownBy(() -> client.callTool("never", "{}")).isInstanceOf(McpException.class);
        ConnectionLoss.awaitState(states, "FAILED 4");
        assertThat(states).hasSize(6);
        long[][] bounds = {{50, 100}, {100, 200}, {200, 400}, {200, 400}};
        for (int i = 0; i < 4; i++) {
            String s = states.get(i + 1);
            assertThat(s).startsWith("RECONNECTING " + (i + 1) + " in ");
            long delay = Long.parseLong(s.split(" ")[3]);
            assertThat(delay).as(s).isBetween(bounds[i][0], bounds[i][1]);
        }
        assertThat(states.get(5)).startsWith("FAILED 4 gave up after 4 attempts: cannot open the transport");
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class);
    }
}
