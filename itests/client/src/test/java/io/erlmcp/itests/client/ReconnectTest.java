// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.ConnectionListener.State;
import io.erlmcp.client.McpClient;

/**
 * Reconnecting against a real node: clients over TCP, WebSocket and legacy HTTP+SSE with reconnect enabled see the
 * node restart (bin/erlmcp stop, then start), lose their connection, reopen it with backoff, initialize a new
 * session and work again.
 */
class ReconnectTest {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::start);
    private final List<McpClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(McpClient::close);
    }

    @Test
    void everyConnectionPerSessionTransportReconnectsAfterARestart() throws Exception {
        Map<String, ClientTransport> transports = Map.of("tcp", ClientTransport.tcp("127.0.0.1", NODE.get().tcpPort),
                "ws", ClientTransport.webSocket(NODE.get().uri("ws", "/mcp/ws")),
                "sse", ClientTransport.legacySse(NODE.get().uri("http", "/sse")));
        Map<String, List<String>> states = new ConcurrentHashMap<>();
        Map<String, McpClient> byName = new ConcurrentHashMap<>();
        for (Map.Entry<String, ClientTransport> t : transports.entrySet()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            states.put(t.getKey(), seen);
            McpClient client = McpClient.builder(t.getValue()).requestTimeout(Duration.ofSeconds(30))
                    .reconnect(Duration.ofMillis(250), Duration.ofSeconds(2), 30)
                    .connectionListener((state, attempt, detail) -> seen.add(state + " " + attempt + " " + detail))
                    .build();
            clients.add(client);
            byName.put(t.getKey(), client);
            client.initialize();
            client.ping();
        }

        NODE.get().restart();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String name : transports.keySet()) {
            List<String> seen = states.get(name);
            while (seen.stream().noneMatch(s -> s.startsWith(State.RECONNECTED.name()))
                    && seen.stream().noneMatch(s -> s.startsWith(State.FAILED.name())) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(seen).as(name).first().asString().startsWith("LOST 0 ");
            assertThat(seen).as(name).anyMatch(s -> s.startsWith("RECONNECTING 1 in "))
                    .anyMatch(s -> s.startsWith("RECONNECTED "));
            McpClient client = byName.get(name);
            client.ping();
            assertThat(client.callTool("echo", "{\"message\":\"back on " + name + "\"}").path("content").get(0)
                    .path("text").asText()).isEqualTo("back on " + name);
        }
    }
}
