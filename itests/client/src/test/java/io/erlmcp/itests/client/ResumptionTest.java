// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;

/**
 * The client's Streamable HTTP resumption against a real release node, through a {@link CuttingProxy}: a call
 * whose SSE stream the server closes mid-call, and one whose connection the network cuts mid-call, both complete
 * through GET + Last-Event-ID with every message delivered exactly once.
 */
@ExtendWith(SharedHttpNode.Resolver.class)
class ResumptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> progress = new CopyOnWriteArrayList<>();
    private CuttingProxy proxy;
    private RecordingTransport transport;
    private McpClient client;

    @BeforeEach
    void connect(SharedHttpNode node) throws Exception {
        proxy = new CuttingProxy(node.port());
        transport = new RecordingTransport(ClientTransport.streamableHttp(
                URI.create("http://127.0.0.1:" + proxy.port() + "/mcp")));
        client = McpClient.builder(transport).requestTimeout(Duration.ofSeconds(30))
                .notificationListener((method, params) -> {
                    if ("notifications/progress".equals(method)) {
                        progress.add(params);
                    }
                })
                .build();
        assertThat(client.initialize().path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aCallWhoseStreamTheServerClosesCompletesThroughGetWithLastEventId() {
        JsonNode result = client.callTool("test_reconnection", "{}");

        assertThat(result.at("/content/0/text").asText()).isEqualTo("Reconnection test completed successfully");
        assertThat(proxy.cuts()).isZero();
        // The POST's stream ids are p<n>; its priming event is the only event before the server closed it.
        assertThat(proxy.lastEventIds()).as("resumed with the POST stream's last event id").singleElement()
                .asString().matches("p\\d+-\\d+");
        assertThat(proxy.clientTraffic()).containsPattern("(?s)GET /mcp HTTP/1.1.*Last-Event-ID: p\\d+-\\d+");
        assertThat(transport.answersTo(transport.lastRequestId("tools/call"))).hasSize(1);
    }

    @Test
    void aCallWhoseConnectionTheNetworkCutsResumesWithEveryProgressExactlyOnce() throws Exception {
        client.addNotificationListener((method, params) -> {
            int step = params.path("progress").asInt();
            if ("notifications/progress".equals(method) && (step == 1 || step == 7)) {
                proxy.cutAll(); // mid-call, right after the first notification, and again on the resumed stream
            }
        });
        JsonNode result = client.callTool("test_slow_progress",
                JSON.readTree("{\"steps\":10,\"intervalMs\":200}"));

        assertThat(result.at("/content/0/text").asText()).isEqualTo("Completed 10 steps");
        assertThat(proxy.cuts()).isEqualTo(2);
        assertThat(progress).extracting(p -> p.path("progress").asInt())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        long id = transport.lastRequestId("tools/call");
        assertThat(transport.received).as("each progress notification crossed the transport once")
                .filteredOn(m -> "notifications/progress".equals(m.path("method").asText())
                        && m.at("/params/progressToken").asLong() == id)
                .hasSize(10);
        assertThat(transport.answersTo(id)).as("the result crossed once").hasSize(1);
        assertThat(proxy.lastEventIds()).as("resumed the POST stream twice, from different events")
                .filteredOn(last -> last.matches("p\\d+-\\d+")).doesNotHaveDuplicates()
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(transport.sent).filteredOn(m -> "tools/call".equals(m.path("method").asText()))
                .as("the request was not POSTed again").hasSize(1);
        assertThat(proxy.lastEventIds()).as("the cut GET stream was reopened from its last event")
                .anyMatch(last -> last.matches("g\\d+-\\d+"));

        // The session carries on: the cut GET stream was reopened, and new calls work.
        assertThat(client.callTool("echo", "{\"message\":\"after the cut\"}").at("/content/0/text").asText())
                .isEqualTo("after the cut");
    }
}
