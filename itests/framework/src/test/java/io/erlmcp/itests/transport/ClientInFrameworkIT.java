// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.Tool;
import io.erlmcp.mcp.ToolDefinition;

/**
 * The client bundle used as a bundle: inside Felix, io.erlmcp.client talks to the same framework's node over each
 * network transport (Streamable HTTP, WebSocket, legacy HTTP+SSE, TCP), all configured through ConfigAdmin, and
 * calls a tool this test registers as a service.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ClientInFrameworkIT {

    private static int httpPort;
    private static int tcpPort;
    private static Configuration tcp;
    private static ServiceRegistration<Tool> tool;

    @BeforeAll
    static void listen(@InjectService(timeout = 5000) ConfigurationAdmin configAdmin,
            @InjectBundleContext BundleContext context) throws Exception {
        httpPort = freePort();
        tcpPort = freePort();
        Configuration http = configAdmin.getConfiguration("io.erlmcp.http", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("host", "127.0.0.1");
        properties.put("port", httpPort);
        http.update(properties);
        tcp = configAdmin.getFactoryConfiguration("io.erlmcp.mcp.tcp", "client-it", "?");
        Hashtable<String, Object> tcpProperties = new Hashtable<>();
        tcpProperties.put("host", "127.0.0.1");
        tcpProperties.put("port", tcpPort);
        tcp.update(tcpProperties);
        tool = context.registerService(Tool.class, new Tool() {
            @Override
            public ToolDefinition definition() {
                return ToolDefinition.of("framework_echo", "Echoes its message",
                        "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},"
                                + "\"required\":[\"message\"]}");
            }

            @Override
            public CompletableFuture<CallToolResult> call(io.erlmcp.mcp.ToolCall call, io.erlmcp.mcp.McpContext ctx) {
                return CompletableFuture.completedFuture(CallToolResult.text("framework: " + call.string("message")));
            }
        }, null);
        awaitHttp("/sse");
        awaitHttp("/mcp/ws");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        tool.unregister();
        tcp.delete();
    }

    @Test
    void theClientClassesComeFromTheClientBundle() {
        assertThat(FrameworkUtil.getBundle(McpClient.class).getSymbolicName()).isEqualTo("io.erlmcp.client");
    }

    @Test
    void streamableHttp() {
        roundTrip(() -> ClientTransport.streamableHttp(URI.create("http://127.0.0.1:" + httpPort + "/mcp")));
    }

    @Test
    void webSocket() {
        roundTrip(() -> ClientTransport.webSocket(URI.create("ws://127.0.0.1:" + httpPort + "/mcp/ws")));
    }

    @Test
    void legacySse() {
        roundTrip(() -> ClientTransport.legacySse(URI.create("http://127.0.0.1:" + httpPort + "/sse")));
    }

    @Test
    void tcp() {
        roundTrip(() -> ClientTransport.tcp("127.0.0.1", tcpPort));
    }

    private static void roundTrip(Supplier<ClientTransport> transport) {
        try (McpClient client = McpClient.builder(transport.get()).clientInfo("framework-it", "1")
                .requestTimeout(Duration.ofSeconds(10)).build()) {
            JsonNode initialized = client.initialize();
            assertThat(initialized.path("serverInfo").path("name").asText()).isNotEmpty();
            client.ping();
            List<JsonNode> tools = client.listTools();
            assertThat(tools).extracting(t -> t.path("name").asText()).contains("framework_echo");
            JsonNode result = client.callTool("framework_echo", "{\"message\":\"hi\"}");
            assertThat(result.path("isError").asBoolean(false)).isFalse();
            assertThat(result.path("content").path(0).path("text").asText()).isEqualTo("framework: hi");
            JsonNode bad = client.callTool("framework_echo", "{}");
            assertThat(bad.path("isError").asBoolean()).as("missing required argument").isTrue();
        }
    }

    /** Waits until the path answers something other than 404 (its handler is mounted on the new port). */
    private static void awaitHttp(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + path)).method("OPTIONS",
                                HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 404) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never mounted on port " + httpPort);
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
