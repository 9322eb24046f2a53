// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/** What the client must do against a real node, whatever the transport. */
abstract class ClientContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> progress = new CopyOnWriteArrayList<>();
    private final List<JsonNode> logs = new CopyOnWriteArrayList<>();
    private final List<JsonNode> samplingRequests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> elicitationRequests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> updates = new CopyOnWriteArrayList<>();
    private ClientTransport transport;
    private McpClient client;

    /** A new transport to the node under test. */
    abstract ClientTransport transport() throws Exception;

    @BeforeEach
    void connect() throws Exception {
        transport = transport();
        client = McpClient.builder(transport).clientInfo("erlmcp-client-it", "1.0")
                .requestTimeout(Duration.ofSeconds(60))
                .notificationListener((method, params) -> {
                    if ("notifications/progress".equals(method)) {
                        progress.add(params);
                    } else if ("notifications/message".equals(method)) {
                        logs.add(params);
                    } else if ("notifications/resources/updated".equals(method)) {
                        updates.add(params);
                    }
                })
                .samplingHandler(params -> {
                    samplingRequests.add(params);
                    return JSON.readTree("{\"role\":\"assistant\",\"content\":{\"type\":\"text\","
                            + "\"text\":\"a sampled answer\"},\"model\":\"test-model\",\"stopReason\":\"endTurn\"}");
                })
                .elicitationHandler(params -> {
                    elicitationRequests.add(params);
                    return JSON.readTree("{\"action\":\"accept\",\"content\":{\"username\":\"ada\","
                            + "\"email\":\"ada@example.com\"}}");
                })
                .build();
        JsonNode init = client.initialize();
        assertThat(init.path("protocolVersion").asText()).isEqualTo(McpClient.LATEST_PROTOCOL_VERSION);
        assertThat(init.path("serverInfo").path("name").asText()).isNotEmpty();
        assertThat(client.serverCapabilities().has("tools")).isTrue();
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void pingAndListTools() {
        client.ping();
        assertThat(client.listTools()).extracting(t -> t.path("name").asText()).contains("echo",
                "test_tool_with_progress", "test_sampling", "test_elicitation");
    }

    @Test
    void callEcho() {
        JsonNode result = client.callTool("echo", "{\"message\":\"hello from the client\"}");
        assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        assertThat(result.path("content").toString()).contains("hello from the client");
    }

    @Test
    void resourcesPromptsAndCompletion() {
        assertThat(client.listResources()).extracting(r -> r.path("uri").asText()).contains("test://static-text");
        assertThat(client.readResource("test://static-text").path("contents").get(0).path("text").asText())
                .isEqualTo("This is the content of the static text resource.");
        assertThat(client.listPrompts()).extracting(p -> p.path("name").asText()).contains("test_simple_prompt",
                "test_prompt_with_arguments");
        JsonNode prompt = client.getPrompt("test_prompt_with_arguments", Map.of("arg1", "a", "arg2", "b"));
        assertThat(prompt.path("messages").get(0).path("content").path("text").asText())
                .isEqualTo("Prompt with arguments: arg1='a', arg2='b'");
        JsonNode completion = client.complete(JSON.createObjectNode().put("type", "ref/prompt")
                .put("name", "test_prompt_with_arguments"), "arg1", "pa");
        assertThat(completion.path("completion").path("values")).extracting(JsonNode::asText)
                .containsExactly("paris", "park", "party", "pasta");
    }

    @Test
    void logMessagesReachTheListener() {
        client.setLoggingLevel("debug");
        client.callTool("test_tool_with_logging", "{}");
        assertThat(logs).isNotEmpty().allMatch(l -> l.has("level"));
    }

    @Test
    void closeEndsTheSession() {
        client.close();
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class);
        client = null;
    }

    @Test
    void progressNotificationsReachTheListener() {
        JsonNode result = client.callTool("test_tool_with_progress", "{}");
        assertThat(result.path("content").get(0).path("text").asText())
                .isEqualTo("Tool with progress executed successfully");
        assertThat(progress).extracting(p -> p.path("progress").asDouble()).contains(0.0, 50.0, 100.0);
    }

    @Test
    void samplingIsAnsweredByTheHandler() {
        JsonNode result = client.callTool("test_sampling", "{\"prompt\":\"What is 2+2?\"}");
        assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("LLM response: a sampled answer");
        assertThat(samplingRequests).hasSize(1);
        assertThat(samplingRequests.get(0).path("messages").toString()).contains("What is 2+2?");
    }

    @Test
    void elicitationIsAnsweredByTheHandler() {
        JsonNode result = client.callTool("test_elicitation", "{\"message\":\"Who are you?\"}");
        assertThat(result.path("content").get(0).path("text").asText()).contains("User response:", "accept", "ada");
        assertThat(elicitationRequests).hasSize(1);
        assertThat(elicitationRequests.get(0).path("message").asText()).isEqualTo("Who are you?");
    }

    /** One test for three errors: over stdio every test costs a node start. */
    @Test
    void badArgumentsAreAToolErrorUnknownToolsAndMethodsAreJsonRpcErrors() {
        JsonNode wrongType = client.callTool("echo", "{\"message\":42}");
        assertThat(wrongType.path("isError").asBoolean(false)).as(wrongType.toString()).isTrue();
        assertThat(wrongType.path("content").get(0).path("text").asText()).contains("Invalid arguments", "echo");
        JsonNode missing = client.callTool("echo", "{}");
        assertThat(missing.path("isError").asBoolean(false)).as(missing.toString()).isTrue();

        assertThatThrownBy(() -> client.callTool("no_such_tool", "{}")).isInstanceOfSatisfying(McpException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(-32602);
                    assertThat(e.getMessage()).contains("no_such_tool");
                });
        assertThatThrownBy(() -> client.request("no_such/method", JSON.createObjectNode()))
                .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(-32601));
        client.ping();
    }

    @Test
    void aSubscribedResourceSendsUpdates() throws InterruptedException {
        assertThat(client.serverCapabilities().path("resources").path("subscribe").asBoolean(false)).isTrue();
        client.subscribe("test://watched-resource");
        // The examples touch test://watched-resource every 5 s.
        for (int i = 0; i < 150 && updates.isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(updates).isNotEmpty().allMatch(u -> "test://watched-resource".equals(u.path("uri").asText()));
        client.unsubscribe("test://watched-resource");
    }

    @Test
    void concurrentCallsOnOneSessionGetTheirOwnAnswers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String message = "call-" + i;
                answers.add(pool.submit(() -> client.callTool("echo", JSON.createObjectNode().put("message", message))
                        .path("content").get(0).path("text").asText()));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("call-" + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(progress).extracting(p -> p.path("progressToken").asLong()).doesNotHaveDuplicates();
    }

    @Test
    void theSessionSurvivesBadInput() throws Exception {
        for (String bad : List.of("{\"jsonrpc\":\"2.0\",\"x\":1}",
                "{\"jsonrpc\":\"1.0\",\"id\":\"bad-1\",\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"bad-2\",\"method\":42}",
                "{\"jsonrpc\":\"2.0\",\"id\":987654321,\"result\":{}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/no_such_thing\"}", "[]", "42")) {
            try {
                transport.send(JSON.readTree(bad));
            } catch (IOException e) {
                // Streamable HTTP and the legacy SSE POST refuse some of these with a 4xx: fine.
            }
        }
        assertThatThrownBy(() -> client.request("tools/call", JSON.createObjectNode().put("name", 42)))
                .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(-32602));
        client.ping();
        assertThat(client.callTool("echo", "{\"message\":\"still here\"}").path("content").get(0).path("text")
                .asText()).isEqualTo("still here");
    }
}
