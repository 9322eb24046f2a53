// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ServerSocketFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/** The WebSocket transport against a small RFC 6455 server on a real socket. */
class WebSocketTransportTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<TinyWebSocketServer.Peer> peers = new CopyOnWriteArrayList<>();
    private TinyWebSocketServer server;
    private McpClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Answers with {@link ScriptedMcp}, every answer in three fragments with a ping between the first two;
     * {@code tools/call never} ends the connection: with a close frame (1001), or abruptly when {@code abort}.
     */
    private TinyWebSocketServer.Handler mcp(boolean abort) {
        return peer -> {
            peers.add(peer);
            String text;
            while ((text = peer.readMessage()) != null) {
                received.add(peer.connection + " " + text);
                JsonNode message = JsonRpcPeer.JSON.readTree(text);
                if ("never".equals(message.at("/params/name").asText())) {
                    if (abort) {
                        peer.abort();
                    } else {
                        peer.close(1001, "going away");
                    }
                    continue;
                }
                for (String answer : ScriptedMcp.answer(message)) {
                    peer.sendFragmented(answer, 3);
                }
            }
        };
    }

    private URI start(String selected, int status, TinyWebSocketServer.Handler handler) throws Exception {
        server = new TinyWebSocketServer(ServerSocketFactory.getDefault(), selected, status, handler);
        return URI.create("ws://127.0.0.1:" + server.port() + "/mcp/ws");
    }

    @Test
    void offersMcpSendsHeadersAndJoinsFragmentedMessages() throws Exception {
        URI uri = start("mcp", 101, mcp(false));
        List<String> progress = new CopyOnWriteArrayList<>();
        client = McpClient.builder(ClientTransport.webSocket(uri, Map.of("Authorization", "Bearer t0k")))
                .notificationListener((m, p) -> progress.add(m)).build();
        client.initialize();
        String big = "x".repeat(100_000) + " \u00e9\u4e2d";
        JsonNode result = client.callTool("echo", JsonRpcPeer.JSON.createObjectNode().put("message", big));
        assertThat(result.at("/content/0/text").asText()).isEqualTo(big);
        assertThat(progress).containsExactly("notifications/progress");
        TinyWebSocketServer.Peer peer = peers.get(0);
        assertThat(peer.headers.get(":request")).isEqualTo("GET /mcp/ws HTTP/1.1");
        assertThat(peer.headers.get("sec-websocket-protocol")).isEqualTo("mcp");
        assertThat(peer.headers.get("authorization")).isEqualTo("Bearer t0k");
        assertThat(received).extracting(r -> JsonRpcPeer.JSON.readTree(r.substring(2)).path("method").asText())
                .containsExactly("initialize", "notifications/initialized", "tools/call");
        for (int i = 0; i < 200 && peer.pongs.size() < 3; i++) {
            Thread.sleep(10);
        }
        assertThat(peer.pongs).as("the JDK answers pings between fragments").contains("ping-1");
    }

    @Test
    void aServerWithoutSubprotocolIsAcceptedAnotherIsRefused() throws Exception {
        client = McpClient.builder(ClientTransport.webSocket(start(null, 101, mcp(false)))).build();
        client.initialize();
        client.ping();
        client.close();
        server.close();
        client = McpClient.builder(ClientTransport.webSocket(start("other", 101, mcp(false)))).build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class)
                .hasMessageContaining("cannot open the transport");
    }

    @Test
    void aRefusedHandshakeSaysWhy() throws Exception {
        client = McpClient.builder(ClientTransport.webSocket(start("mcp", 403, mcp(false)))).build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class).hasMessageContaining("HTTP 403");
    }

    @Test
    void aCloseFrameFailsWaitingRequestsAtOnce() throws Exception {
        client = McpClient.builder(ClientTransport.webSocket(start("mcp", 101, mcp(false))))
                .requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        assertThat(ConnectionLoss.failureOfNever(client)).isInstanceOf(McpException.class)
                .hasMessage("connection lost: the server closed the WebSocket (1001 going away)");
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class).hasMessageStartingWith("connection lost: ");
    }

    @Test
    void anAbruptEndFailsWaitingRequestsAtOnce() throws Exception {
        client = McpClient.builder(ClientTransport.webSocket(start("mcp", 101, mcp(true))))
                .requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        assertThat(ConnectionLoss.failureOfNever(client)).isInstanceOf(McpException.class)
                .hasMessageStartingWith("connection lost: ");
    }

    @Test
    void wssWithATrustedCertificate(@TempDir Path dir) throws Exception {
        Path keystore = ScriptedMcp.keystore(dir);
        server = new TinyWebSocketServer(ScriptedMcp.serverContext(keystore).getServerSocketFactory(), "mcp", 101,
                mcp(false));
        URI uri = URI.create("wss://127.0.0.1:" + server.port() + "/mcp/ws");
        client = McpClient.builder(ClientTransport.webSocket(uri, ScriptedMcp.clientContext(keystore))).build();
        client.initialize();
        assertThat(client.callTool("echo", "{\"message\":\"over tls\"}").at("/content/0/text").asText())
                .isEqualTo("over tls");
    }

    @Test
    void reconnectsAfterACloseFrame() throws Exception {
        List<String> states = new CopyOnWriteArrayList<>();
        client = ConnectionLoss.reconnecting(ClientTransport.webSocket(start("mcp", 101, mcp(false))), states);
        ConnectionLoss.loseAndReconnect(client, states);
        assertThat(server.connections()).isEqualTo(2);
        assertThat(received).filteredOn(r -> r.startsWith("2 "))
                .extracting(r -> JsonRpcPeer.JSON.readTree(r.substring(2)).path("method").asText())
                .containsExactly("initialize", "notifications/initialized", "ping");
    }

    @Test
    void refusesOtherSchemes() {
        assertThatThrownBy(() -> ClientTransport.webSocket(URI.create("http://127.0.0.1/mcp/ws")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws:// or wss://");
    }
}
