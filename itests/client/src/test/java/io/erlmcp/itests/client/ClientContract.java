// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
    private McpClient client;

    /** A new transport to the node under test. */
    abstract ClientTransport transport() throws Exception;

    @BeforeEach
    void connect() throws Exception {
        client = McpClient.builder(transport()).clientInfo("erlmcp-client-it", "1.0")
                .requestTimeout(Duration.ofSeconds(60))
                .notificationListener((method, params) -> {
                    if ("notifications/progress".equals(method)) {
                        progress.add(params);
                    } else if ("notifications/message".equals(method)) {
                        logs.add(params);
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
}
