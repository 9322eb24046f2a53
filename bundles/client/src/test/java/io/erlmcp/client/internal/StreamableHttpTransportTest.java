// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/** The HTTP transport's headers and answers against a scripted JDK HTTP server. */
class StreamableHttpTransportTest {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", this::handle);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
    }

    private void handle(HttpExchange ex) throws IOException {
        String session = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
        String version = ex.getRequestHeaders().getFirst("MCP-Protocol-Version");
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (!"POST".equals(ex.getRequestMethod())) {
            seen.add(ex.getRequestMethod() + " session=" + session + " version=" + version + " accept=" + accept);
            ex.sendResponseHeaders("GET".equals(ex.getRequestMethod()) ? 405 : 200, -1);
            ex.close();
            return;
        }
        JsonNode message = JsonRpcPeer.JSON.readTree(ex.getRequestBody());
        String method = message.path("method").asText(null);
        seen.add("POST " + (method == null ? "answer" : method) + " session=" + session + " version=" + version
                + " accept=" + accept);
        JsonNode id = message.get("id");
        if (method == null || id == null) {
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        switch (method) {
            case "initialize" -> {
                ex.getResponseHeaders().add("Mcp-Session-Id", "s-1");
                json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                        + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}}");
            }
            case "tools/call" -> {
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(("event: message\nid: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                            + "\"params\":{\"progressToken\":" + message.at("/params/_meta/progressToken")
                            + ",\"progress\":50}}\n\n: keep-alive\n\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + id
                            + ",\n" + "data: \"result\":{\"content\":[]}}\n\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            case "resources/read" -> json(ex, 404, "{\"jsonrpc\":\"2.0\",\"id\":null,"
                    + "\"error\":{\"code\":-32001,\"message\":\"Session not found\"}}");
            default -> json(ex, 500, "boom");
        }
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void keepsTheSessionAndVersionReadsJsonAndSseAndDeletesOnClose() throws Exception {
        McpClient client = McpClient.builder(ClientTransport.streamableHttp(serve()))
                .notificationListener((m, p) -> progress.add(m + " " + p.path("progress").asInt())).build();
        client.initialize();
        assertThat(client.protocolVersion()).isEqualTo("2025-06-18");
        JsonNode result = client.callTool("t", "{}");
        assertThat(result.path("content").isArray()).isTrue();
        assertThat(progress).containsExactly("notifications/progress 50");

        assertThatThrownBy(() -> client.readResource("x:/y")).isInstanceOfSatisfying(McpException.class,
                e -> assertThat(e.code()).isEqualTo(-32001));
        assertThatThrownBy(client::ping).isInstanceOfSatisfying(McpException.class,
                e -> assertThat(e.getMessage()).contains("HTTP 500", "boom"));
        client.close();

        String both = "accept=application/json, text/event-stream";
        assertThat(seen).startsWith("POST initialize session=null version=null " + both,
                "POST notifications/initialized session=s-1 version=2025-06-18 " + both);
        assertThat(seen).contains("GET session=s-1 version=2025-06-18 accept=text/event-stream",
                "POST tools/call session=s-1 version=2025-06-18 " + both);
        assertThat(seen.get(seen.size() - 1)).isEqualTo("DELETE session=s-1 version=2025-06-18 accept=null");
    }

    @Test
    void anUnreachableServerFailsTheRequest() throws Exception {
        URI gone = serve();
        server.stop(0);
        server = null;
        McpClient client = McpClient.builder(ClientTransport.streamableHttp(gone)).build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class)
                .hasMessageContaining("HTTP request failed");
        client.close();
    }
}
