// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/**
 * What erlmcp's Java client must do against the TypeScript SDK's McpServer ({@code sdk-server.mjs}), whatever the
 * transport. One client session per transport serves all the tests; a failed assertion shows the server's stderr.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ErlmcpClientContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<Map.Entry<String, JsonNode>> notifications = new CopyOnWriteArrayList<>();
    private final List<JsonNode> progress = new CopyOnWriteArrayList<>();
    private final List<JsonNode> logs = new CopyOnWriteArrayList<>();
    private final List<JsonNode> samplingRequests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> elicitationRequests = new CopyOnWriteArrayList<>();
    private McpClient client;
    private JsonNode init;

    /** A new transport to the SDK server; starts the server as needed. */
    abstract ClientTransport transport() throws Exception;

    /** The SDK server's stderr so far, for assertion messages. */
    abstract String serverStderr();

    /** Stops what {@link #transport()} started. */
    abstract void stopServer();

    @BeforeAll
    void connect() throws Exception {
        client = McpClient.builder(transport()).clientInfo("erlmcp-interop", "1.0").requestTimeout(WAIT)
                .notificationListener((method, params) -> {
                    notifications.add(Map.entry(method, params == null ? JSON.nullNode() : params));
                    if ("notifications/progress".equals(method)) {
                        progress.add(params);
                    } else if ("notifications/message".equals(method)) {
                        logs.add(params);
                    }
                })
                .samplingHandler(params -> {
                    samplingRequests.add(params);
                    return JSON.readTree("{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"Paris\"},"
                            + "\"model\":\"erlmcp-test-model\",\"stopReason\":\"endTurn\"}");
                })
                .elicitationHandler(params -> {
                    elicitationRequests.add(params);
                    return params.path("message").asText().contains("decline")
                            ? JSON.readTree("{\"action\":\"decline\"}")
                            : JSON.readTree("{\"action\":\"accept\",\"content\":{\"name\":\"Grace\"}}");
                })
                .build();
        try {
            init = client.initialize();
        } catch (RuntimeException e) {
            throw new AssertionError("initialize failed: " + e + "\n--- SDK server stderr ---\n" + serverStderr(), e);
        }
    }

    @AfterAll
    void disconnect() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            stopServer();
        }
    }

    @BeforeEach
    void forgetNotifications() {
        notifications.clear();
        progress.clear();
        logs.clear();
        samplingRequests.clear();
        elicitationRequests.clear();
    }

    private Supplier<String> why(Object what) {
        return () -> what + "\n--- SDK server stderr ---\n" + serverStderr();
    }

    private JsonNode call(String tool, String arguments) {
        try {
            return client.callTool(tool, arguments);
        } catch (McpException e) {
            throw new AssertionError("tools/call " + tool + " failed: " + e + " " + e.data() + "\n"
                    + why("").get(), e);
        }
    }

    private static String text(JsonNode result) {
        return result.path("content").get(0).path("text").asText();
    }

    @Test
    void initializeNegotiatesTheLatestVersion() {
        assertThat(init.path("protocolVersion").asText()).as(why(init)).isEqualTo("2025-11-25");
        assertThat(client.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(init.path("serverInfo").path("name").asText()).as(why(init)).isEqualTo("sdk-interop-server");
        assertThat(init.path("serverInfo").path("version").asText()).as(why(init)).isEqualTo("1.0.0");
        assertThat(init.path("instructions").asText()).as(why(init)).contains("erlmcp interop");
        JsonNode caps = client.serverCapabilities();
        assertThat(caps.path("tools").isObject()).as(why(init)).isTrue();
        assertThat(caps.path("resources").isObject()).as(why(init)).isTrue();
        assertThat(caps.path("prompts").isObject()).as(why(init)).isTrue();
        assertThat(caps.path("logging").isObject()).as(why(init)).isTrue();
    }

    @Test
    void pingIsAnswered() {
        client.ping();
        client.ping();
    }

    @Test
    void listToolsShowsEveryToolWithItsSchema() {
        List<JsonNode> tools = client.listTools();
        assertThat(tools).extracting(t -> t.path("name").asText()).as(why(tools)).containsExactlyInAnyOrder("echo",
                "count", "ask_llm", "ask_user", "fail", "log", "pause", "announce", "add_resource");
        JsonNode count = tools.stream().filter(t -> t.path("name").asText().equals("count")).findFirst().orElseThrow();
        assertThat(count.path("inputSchema").path("type").asText()).isEqualTo("object");
        assertThat(count.path("inputSchema").path("properties").path("steps").path("type").asText())
                .isEqualTo("integer");
        assertThat(count.path("inputSchema").path("required")).extracting(JsonNode::asText).containsExactly("steps");
    }

    @Test
    void echoAnswersTheMessage() {
        JsonNode result = call("echo", "{\"message\":\"hello from erlmcp's client\"}");
        assertThat(result.path("isError").asBoolean(false)).as(why(result)).isFalse();
        assertThat(text(result)).as(why(result)).isEqualTo("hello from erlmcp's client");
    }

    @Test
    void concurrentCallsGetTheirOwnAnswers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String message = "message " + i;
                answers.add(CompletableFuture.supplyAsync(
                        () -> text(call("echo", "{\"message\":\"" + message + "\"}")), pool));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(why("call " + i))
                        .isEqualTo("message " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThrowingToolIsAnIsErrorResult() {
        JsonNode result = call("fail", "{}");
        assertThat(result.path("isError").asBoolean(false)).as(why(result)).isTrue();
        assertThat(text(result)).as(why(result)).contains("this tool always fails");
    }

    @Test
    void invalidArgumentsAreRefused() {
        Throwable thrown = catchThrowable(() -> {
            JsonNode result = client.callTool("count", "{\"steps\":\"many\"}");
            assertThat(result.path("isError").asBoolean(false)).as(why(result)).isTrue();
            assertThat(text(result)).as(why(result)).containsIgnoringCase("invalid");
        });
        if (thrown instanceof McpException e) {
            assertThat(e.code()).as(why(e)).isEqualTo(-32602);
        } else if (thrown != null) {
            throw new AssertionError(thrown);
        }
    }

    @Test
    void progressNotificationsReachTheListener() {
        JsonNode result = call("count", "{\"steps\":3}");
        assertThat(text(result)).as(why(result)).isEqualTo("counted to 3");
        assertThat(progress).extracting(p -> p.path("progress").asInt()).as(why(progress)).containsExactly(1, 2, 3);
        assertThat(progress).allSatisfy(p -> {
            assertThat(p.path("total").asInt()).isEqualTo(3);
            assertThat(p.path("progressToken").isNumber()).as(p.toString()).isTrue();
            assertThat(p.path("progressToken")).isEqualTo(progress.get(0).path("progressToken"));
        });
        assertThat(progress.get(1).path("message").asText()).isEqualTo("step 2 of 3");
    }

    /**
     * The {@code pause} tool sends progress 1, closes the call's stream where it can (Streamable HTTP), then sends
     * progress 2 and its result: the client must get both, resuming the stream with Last-Event-ID when it was closed.
     */
    @Test
    void aCallSurvivesItsStreamBeingClosed() {
        JsonNode result = call("pause", "{}");
        assertThat(text(result)).as(why(result)).isEqualTo(streamClosable() ? "resumed after the stream was closed"
                : "no stream to close");
        assertThat(progress).extracting(p -> p.path("progress").asInt()).as(why(progress)).containsExactly(1, 2);
        if (streamClosable()) {
            assertThat(serverStderr()).as(why("the client resumed the stream")).contains("replaying stream");
        }
    }

    /** Whether the SDK server can close a call's stream mid-call over this transport (only Streamable HTTP). */
    boolean streamClosable() {
        return false;
    }

    @Test
    void samplingIsAnsweredByTheHandlerAndItsAnswerUsed() {
        JsonNode result = call("ask_llm", "{\"question\":\"What is the capital of France?\"}");
        assertThat(result.path("isError").asBoolean(false)).as(why(result)).isFalse();
        assertThat(text(result)).as(why(result)).isEqualTo("erlmcp-test-model said: Paris");
        assertThat(samplingRequests).as(why(result)).hasSize(1);
        JsonNode request = samplingRequests.get(0);
        assertThat(request.path("messages").get(0).path("content").path("text").asText())
                .isEqualTo("What is the capital of France?");
        assertThat(request.path("systemPrompt").asText()).isEqualTo("Answer briefly.");
        assertThat(request.path("maxTokens").asInt()).isEqualTo(64);
    }

    @Test
    void elicitationIsAnsweredByTheHandlerAndItsAnswerUsed() {
        JsonNode result = call("ask_user", "{\"prompt\":\"What is your name?\"}");
        assertThat(result.path("isError").asBoolean(false)).as(why(result)).isFalse();
        assertThat(text(result)).as(why(result)).isEqualTo("hello, Grace");
        assertThat(elicitationRequests).as(why(result)).hasSize(1);
        JsonNode request = elicitationRequests.get(0);
        assertThat(request.path("message").asText()).isEqualTo("What is your name?");
        assertThat(request.path("mode").asText()).isEqualTo("form");
        assertThat(request.path("requestedSchema").path("required")).extracting(JsonNode::asText)
                .containsExactly("name");
    }

    @Test
    void aDeclinedElicitationReachesTheTool() {
        JsonNode result = call("ask_user", "{\"prompt\":\"Name, or decline?\"}");
        assertThat(text(result)).as(why(result)).isEqualTo("no name (decline)");
        assertThat(elicitationRequests).hasSize(1);
    }

    @Test
    void resourcesAreListedAndRead() {
        List<JsonNode> resources = client.listResources();
        assertThat(resources).extracting(r -> r.path("uri").asText()).as(why(resources))
                .contains("interop://greeting");
        resources = resources.stream().filter(r -> r.path("uri").asText().equals("interop://greeting")).toList();
        assertThat(resources.get(0).path("mimeType").asText()).isEqualTo("text/plain");
        JsonNode read = client.readResource("interop://greeting");
        assertThat(read.path("contents")).as(why(read)).hasSize(1);
        assertThat(read.path("contents").get(0).path("uri").asText()).isEqualTo("interop://greeting");
        assertThat(read.path("contents").get(0).path("text").asText()).isEqualTo("Hello from the TypeScript SDK");
    }

    @Test
    void anUnknownResourceIsAJsonRpcError() {
        Throwable thrown = catchThrowable(() -> client.readResource("interop://nothing-here"));
        assertThat(thrown).as(why("resources/read of an unknown uri")).isInstanceOf(McpException.class);
    }

    @Test
    void promptsAreListedAndFilledIn() {
        List<JsonNode> prompts = client.listPrompts();
        assertThat(prompts).extracting(p -> p.path("name").asText()).as(why(prompts)).containsExactly("review");
        assertThat(prompts.get(0).path("arguments").get(0).path("name").asText()).isEqualTo("code");
        assertThat(prompts.get(0).path("arguments").get(0).path("required").asBoolean()).isTrue();
        JsonNode prompt = client.getPrompt("review", Map.of("code", "x = 1"));
        assertThat(prompt.path("messages").get(0).path("role").asText()).as(why(prompt)).isEqualTo("user");
        assertThat(prompt.path("messages").get(0).path("content").path("text").asText()).as(why(prompt))
                .isEqualTo("Please review this code:\nx = 1");
    }

    @Test
    void logMessagesReachTheListener() throws InterruptedException {
        client.setLoggingLevel("info");
        JsonNode result = call("log", "{\"note\":\"interop\"}");
        assertThat(text(result)).as(why(result)).isEqualTo("logged");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logs.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(logs).as(why(logs)).hasSize(1);
        assertThat(logs.get(0).path("level").asText()).isEqualTo("warning");
        assertThat(logs.get(0).path("logger").asText()).isEqualTo("sdk-interop");
        assertThat(logs.get(0).path("data").path("note").asText()).isEqualTo("interop");
    }

    /**
     * Messages the server sends outside any request reach the listener: over Streamable HTTP they come on the GET
     * stream the client opened after initialize. The log level the client set holds for them. Runs after the
     * other tests, so the GET stream has long been open.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void notificationsOutsideARequestReachTheListener() throws InterruptedException {
        client.setLoggingLevel("warning");
        assertThat(text(call("announce", "{\"level\":\"notice\",\"text\":\"below the level\"}")))
                .isEqualTo("announced");
        assertThat(text(call("announce", "{\"level\":\"error\",\"text\":\"at the level\"}")))
                .isEqualTo("announced");
        List<String> unrelated = await(() -> logs.stream()
                .filter(l -> l.path("logger").asText().equals("sdk-interop-unrelated"))
                .map(l -> l.path("data").asText()).toList(), l -> !l.isEmpty());
        assertThat(unrelated).as(why(notifications)).containsExactly("at the level");

        assertThat(text(call("add_resource", "{\"name\":\"late\"}"))).isEqualTo("added interop://added/late");
        List<String> methods = await(() -> notifications.stream().map(Map.Entry::getKey).toList(),
                m -> m.contains("notifications/resources/list_changed"));
        assertThat(methods).as(why(notifications)).contains("notifications/resources/list_changed");
        assertThat(client.listResources()).extracting(r -> r.path("uri").asText())
                .contains("interop://greeting", "interop://added/late");
        assertThat(client.readResource("interop://added/late").path("contents").get(0).path("text").asText())
                .isEqualTo("added late");
    }

    /** Polls {@code value} every 20 ms until {@code done} holds, at most 5 s; returns the last value. */
    private static <T> T await(Supplier<T> value, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = value.get();
        }
        return v;
    }

    /** Runs last: nothing the client sent during the other tests made the SDK server report a protocol error. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theSdkServerReportedNoProtocolErrors() {
        client.ping();
        assertThat(serverStderr()).as(why("SDK server errors")).doesNotContain("sdk-interop-server error");
    }
}
