// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.itests.testkit.ReleaseNode;

/**
 * The runbook's session and connection commands (sections 4.2, 4.3) against a real node, through
 * {@code bin/erlmcp eval}: clients over TCP, WebSocket, legacy SSE and Streamable HTTP are listed, counted and
 * ended one way each, and each client sees its end (the connection closed, the stream ended, 404).
 */
class ConsoleSessionsTest {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::start);
    private static final Pattern ROW_ID = Pattern.compile("id=([A-Za-z0-9_-]+), transport=(\\w+)");

    private final List<McpClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(McpClient::close);
    }

    private McpClient client(String name, ClientTransport transport, List<String> lost) throws Exception {
        McpClient client = McpClient.builder(transport).clientInfo("console-" + name, "1.0")
                .requestTimeout(Duration.ofSeconds(20))
                .connectionListener((state, attempt, detail) -> lost.add(state + " " + detail)).build();
        clients.add(client);
        client.initialize();
        client.ping();
        return client;
    }

    /** @return the session id of the row whose client is {@code console-<name>} */
    private static String idOf(String listing, String name) {
        for (String line : listing.split("\n")) {
            if (line.contains("client=console-" + name + " 1.0")) {
                Matcher m = ROW_ID.matcher(line);
                assertThat(m.find()).as(line).isTrue();
                return m.group(1);
            }
        }
        throw new AssertionError("no session of console-" + name + " in:\n" + listing);
    }

    private static ReleaseNode.Output ok(ReleaseNode.Output out) {
        assertThat(out.exit()).as(out.text()).isZero();
        return out;
    }

    private static void awaitLost(List<String> events, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events.stream().noneMatch(e -> e.startsWith("LOST")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(events).as(what + " sees its connection end").anyMatch(e -> e.startsWith("LOST"));
    }

    @Test
    void operatorsListCountAndEndSessionsOfEveryTransport() throws Exception {
        NodeUnderTest node = NODE.get();
        Map<String, List<String>> lost = new LinkedHashMap<>();
        for (String name : List.of("tcp", "ws", "sse", "http")) {
            lost.put(name, new CopyOnWriteArrayList<>());
        }
        client("tcp", ClientTransport.tcp("127.0.0.1", node.tcpPort), lost.get("tcp"));
        client("ws", ClientTransport.webSocket(node.uri("ws", "/mcp/ws")), lost.get("ws"));
        client("sse", ClientTransport.legacySse(node.uri("http", "/sse")), lost.get("sse"));
        McpClient http = client("http", ClientTransport.streamableHttp(node.uri("http", "/mcp")), lost.get("http"));

        String listing = ok(node.eval("erlmcp_session:list")).text();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String name : lost.keySet()) {
            ids.put(name, idOf(listing, name));
            assertThat(ok(node.eval("erlmcp_registry:count " + name)).text().trim()).as(name).isEqualTo("1");
            assertThat(ok(node.eval("erlmcp_registry:list " + name)).text()).contains("id=" + ids.get(name))
                    .contains("transport=" + name);
        }
        assertThat(ok(node.eval("erlmcp_session:get " + ids.get("ws"))).text()).contains("console-ws 1.0")
                .contains("2025-11-25");
        assertThat(ok(node.eval("erlmcp_session:stats")).text()).containsPattern("active\\s+4")
                .contains("http=1").contains("sse=1").contains("tcp=1").contains("ws=1");

        // TCP: terminate with a reason; the connection closes
        assertThat(ok(node.eval("erlmcp_session:terminate " + ids.get("tcp") + " 'console test'")).text())
                .contains("terminated").contains("console test");
        awaitLost(lost.get("tcp"), "the TCP client");
        // WebSocket: the runbook's erlmcp_server:disconnect; a normal close (1000)
        ok(node.eval("erlmcp_server:disconnect " + ids.get("ws")));
        awaitLost(lost.get("ws"), "the WebSocket client");
        assertThat(lost.get("ws")).anyMatch(e -> e.contains("(1000"));
        // legacy SSE: every connection of the transport at once
        assertThat(ok(node.eval("erlmcp_transport_sse:disconnect_all")).text()).containsPattern("disconnected\\s+1");
        awaitLost(lost.get("sse"), "the SSE client");
        // Streamable HTTP: the session is gone, its next request gets 404
        ok(node.eval("erlmcp_session:terminate " + ids.get("http")));
        assertThatThrownBy(http::ping).hasMessageContaining("Session not found");

        assertThat(ok(node.eval("erlmcp_registry:info")).text()).containsPattern("sessions\\s+0");
        ReleaseNode.Output unknown = node.eval("erlmcp_session:terminate " + ids.get("tcp"));
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.text()).contains("no open session '" + ids.get("tcp") + "'")
                .contains("erlmcp_session:list");

        // the node goes on serving
        McpClient fresh = client("again", ClientTransport.tcp("127.0.0.1", node.tcpPort), new CopyOnWriteArrayList<>());
        assertThat(fresh.callTool("echo", "{\"message\":\"still here\"}").path("content").get(0).path("text")
                .asText()).isEqualTo("still here");
        assertThat(ok(node.eval("erlmcp_registry:count tcp")).text().trim()).isEqualTo("1");
    }
}
