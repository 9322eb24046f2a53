// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;

/**
 * Cancelling a call from the caller against a real release node: the client sends notifications/cancelled, the
 * node stops the tool (its progress stops, no result comes), and the session goes on answering.
 */
@ExtendWith(SharedHttpNode.Resolver.class)
class CancelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> progress = new CopyOnWriteArrayList<>();
    private final CountDownLatch secondStep = new CountDownLatch(2);
    private RecordingTransport transport;
    private McpClient client;

    @BeforeEach
    void connect(SharedHttpNode node) {
        transport = new RecordingTransport(ClientTransport.streamableHttp(
                URI.create("http://127.0.0.1:" + node.port() + "/mcp")));
        client = McpClient.builder(transport).requestTimeout(Duration.ofSeconds(30))
                .notificationListener((method, params) -> {
                    if ("notifications/progress".equals(method)) {
                        progress.add(params);
                        secondStep.countDown();
                    }
                })
                .build();
        client.initialize();
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void cancellingTheFutureStopsTheToolOnTheNodeAndTheSessionGoesOn() throws Exception {
        // 100 steps of 100 ms: ten seconds unless the node honours the cancellation.
        CompletableFuture<JsonNode> call = client.callToolAsync("test_slow_progress",
                JSON.readTree("{\"steps\":100,\"intervalMs\":100}"));
        assertThat(secondStep.await(10, TimeUnit.SECONDS)).as("two progress notifications").isTrue();
        long id = transport.lastRequestId("tools/call");

        assertThat(call.cancel(true)).isTrue();
        assertThat(transport.sent).filteredOn(m -> "notifications/cancelled".equals(m.path("method").asText()))
                .singleElement().satisfies(m -> {
                    assertThat(m.at("/params/requestId").asLong()).isEqualTo(id);
                    assertThat(m.at("/params/reason").asText()).isEqualTo("cancelled by the client");
                });
        int atCancel = progress.size();

        // A call the client does not wait for any more: the tool's progress would go on arriving on the POST's
        // stream (the client still reads it) if the node had not stopped the tool.
        Thread.sleep(1000);
        assertThat(progress.size()).as("progress stops once the node has the cancellation")
                .isLessThanOrEqualTo(atCancel + 1);
        assertThat(transport.answersTo(id)).as("no result for a cancelled request").isEmpty();
        assertThat(call).isCancelled();
        assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);

        // The session answers the next calls.
        assertThat(client.callTool("echo", "{\"message\":\"still here\"}").at("/content/0/text").asText())
                .isEqualTo("still here");
        assertThat(client.callTool("test_slow_progress", JSON.readTree("{\"steps\":2,\"intervalMs\":10}"))
                .at("/content/0/text").asText()).isEqualTo("Completed 2 steps");
    }

    @Test
    void anAsyncCallThatIsNotCancelledCompletes() throws Exception {
        CompletableFuture<JsonNode> call = client.callToolAsync("test_slow_progress",
                JSON.readTree("{\"steps\":3,\"intervalMs\":20}"));
        CompletableFuture<JsonNode> ping = client.requestAsync("ping", null);
        assertThat(call.get(10, TimeUnit.SECONDS).at("/content/0/text").asText()).isEqualTo("Completed 3 steps");
        assertThat(ping.get(10, TimeUnit.SECONDS).isObject()).isTrue();
        assertThat(progress).extracting(p -> p.path("progress").asInt()).containsExactly(1, 2, 3);
        assertThat(transport.sent).noneMatch(m -> "notifications/cancelled".equals(m.path("method").asText()));
    }
}
