// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the TypeScript SDK's Client must see from an erlmcp node, whatever the transport: {@code sdk-client.mjs} runs
 * once per transport and prints a report of every step; each test asserts on one part of it. A failed assertion
 * shows the script's stderr and the whole report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SdkClientContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    private NodeSdk.Run run;
    private JsonNode report;

    /** The transport, as the script's first argument names it and as its report must name it. */
    abstract String transport();

    /** The script's second argument: the node's endpoint URL, or the {@code bin/erlmcp} to spawn over stdio. */
    abstract String target() throws Exception;

    /** Environment added to ours for the script. */
    Map<String, String> scriptEnv() throws Exception {
        return Map.of();
    }

    /** Steps the script runs over this transport only, after the common ones. */
    List<String> extraSteps() {
        return List.of();
    }

    @BeforeAll
    void runTheSdkClient() throws Exception {
        run = NodeSdk.get().run("sdk-client.mjs", List.of(transport(), target()), scriptEnv(), SCRIPT_TIMEOUT);
        String line = run.stdout().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
        report = JSON.readTree(line);
    }

    Supplier<String> why() {
        return () -> "sdk-client.mjs over " + transport() + ": " + run.describe();
    }

    JsonNode step(String name) {
        JsonNode step = report.path(name);
        assertThat(step.isObject()).as(() -> "step " + name + " ran; " + why().get()).isTrue();
        assertThat(step.has("error")).as(() -> "step " + name + " failed: " + step.path("error") + "; " + why().get())
                .isFalse();
        return step;
    }

    @Test
    void theScriptRanEveryStepAndExitedCleanly() {
        assertThat(run.exit()).as(why()).isZero();
        assertThat(report.path("transport").asText()).as(why()).isEqualTo(transport());
        assertThat(report.has("fatal")).as(why()).isFalse();
        List<String> steps = new ArrayList<>(List.of("initialize", "ping", "listTools", "echo", "toolError",
                "invalidArguments", "progress", "listResources", "readResource", "readTemplate", "listPrompts",
                "getPrompt", "complete", "logging", "sampling", "elicitation"));
        steps.addAll(extraSteps());
        steps.add("cancel");
        steps.add("close");
        assertThat(report.path("steps")).extracting(s -> s.path("name").asText()).as(why())
                .containsExactlyElementsOf(steps);
        assertThat(step("close").path("ok").asBoolean()).as(why()).isTrue();
    }

    @Test
    void initializeNegotiatesTheLatestVersionAndNamesTheServer() {
        JsonNode init = step("initialize");
        assertThat(report.path("negotiatedProtocolVersion").asText()).as(why())
                .isEqualTo(report.path("sdkLatestProtocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(init.path("serverInfo").path("name").asText()).as(why()).isEqualTo("erlmcp");
        assertThat(init.path("serverInfo").path("version").asText()).as(why()).startsWith("0.1.0");
        JsonNode caps = init.path("capabilities");
        assertThat(caps.path("tools").isObject()).as(why()).isTrue();
        assertThat(caps.path("resources").isObject()).as(why()).isTrue();
        assertThat(caps.path("prompts").isObject()).as(why()).isTrue();
        assertThat(caps.path("logging").isObject()).as(why()).isTrue();
        assertThat(caps.path("completions").isObject()).as(why()).isTrue();
    }

    @Test
    void pingIsAnsweredWithAnEmptyResult() {
        JsonNode ping = step("ping");
        assertThat(ping.path("ok").asBoolean()).as(why()).isTrue();
        assertThat(ping.path("result").isObject() && ping.path("result").isEmpty()).as(why()).isTrue();
    }

    @Test
    void listToolsShowsTheExamplesWithTheirSchemas() {
        JsonNode tools = step("listTools");
        assertThat(tools.path("names")).extracting(JsonNode::asText).as(why()).contains("echo", "test_error_handling",
                "test_tool_with_progress", "test_tool_with_logging", "test_sampling", "test_elicitation");
        JsonNode echo = tools.path("echo");
        assertThat(echo.path("description").asText()).as(why()).isEqualTo("Echoes the message back");
        assertThat(echo.path("inputSchema").path("type").asText()).as(why()).isEqualTo("object");
        assertThat(echo.path("inputSchema").path("required")).extracting(JsonNode::asText).as(why())
                .containsExactly("message");
    }

    @Test
    void echoAnswersTheMessage() {
        JsonNode echo = step("echo");
        assertThat(echo.path("isError").asBoolean()).as(why()).isFalse();
        assertThat(echo.path("text").asText()).as(why()).isEqualTo("hello from the TypeScript SDK");
        assertThat(echo.path("content")).as(why()).hasSize(1);
        assertThat(echo.path("content").get(0).path("type").asText()).as(why()).isEqualTo("text");
    }

    @Test
    void aFailingToolIsAnIsErrorResult() {
        JsonNode error = step("toolError");
        assertThat(error.path("isError").asBoolean()).as(why()).isTrue();
        assertThat(error.path("text").asText()).as(why())
                .contains("This tool intentionally returns an error for testing");
    }

    @Test
    void invalidArgumentsAreRefused() {
        JsonNode invalid = step("invalidArguments");
        if (invalid.path("rpcError").asBoolean()) {
            assertThat(invalid.path("code").asInt()).as(why()).isEqualTo(-32602);
        } else {
            assertThat(invalid.path("isError").asBoolean()).as(why()).isTrue();
            assertThat(invalid.path("text").asText()).as(why()).contains("message");
        }
    }

    /**
     * The server sends 0, 50 and 100 of 100. The SDK dispatches notifications a microtask later than responses, so
     * a last notification read together with the response reaches no handler (typescript-sdk issue #2580): what
     * onprogress saw must then be a prefix of what came on the wire, and the SDK must have reported each one it
     * lost as a progress notification for an unknown token.
     */
    @Test
    void progressNotificationsReachOnprogress() {
        JsonNode progress = step("progress");
        assertThat(progress.path("text").asText()).as(why()).isEqualTo("Tool with progress executed successfully");
        List<Double> wire = values(progress.path("wire"));
        assertThat(wire).as(why()).containsExactly(0.0, 50.0, 100.0);
        assertThat(progress.path("wire")).allSatisfy(p -> assertThat(p.path("total").asDouble()).isEqualTo(100.0));
        List<Double> delivered = values(progress.path("notifications"));
        assertThat(delivered).as(why()).isNotEmpty();
        assertThat(wire.subList(0, Math.min(delivered.size(), wire.size()))).as(why()).isEqualTo(delivered);
        assertThat(errorsOf("progress")).as(why()).hasSize(wire.size() - delivered.size())
                .allMatch(e -> e.contains("progress notification for an unknown token"));
    }

    /** Client errors besides the lost progress notifications of the progress step: none. */
    @Test
    void noOtherClientErrors() {
        List<String> others = new ArrayList<>();
        report.path("steps").forEach(s -> s.path("clientErrors").forEach(e -> {
            if (!(s.path("name").asText().equals("progress")
                    && e.asText().contains("progress notification for an unknown token"))) {
                others.add(s.path("name").asText() + ": " + e.asText());
            }
        }));
        assertThat(others).as(why()).isEmpty();
        assertThat(report.path("clientErrors")).as(why()).hasSizeLessThanOrEqualTo(1);
    }

    /**
     * While test_sampling waits for its sampling answer, the SDK client cancels the call (notifications/cancelled)
     * and answers 300 ms later: the server must send no result for the call and serve the next request.
     */
    @Test
    void aCancelledCallEndsQuietly() {
        JsonNode cancel = step("cancel");
        assertThat(cancel.path("rejected").asText()).as(why()).contains("cancelled by the interop test");
        assertThat(cancel.has("resolved")).as(why()).isFalse();
        assertThat(cancel.path("callId").isNumber()).as(why()).isTrue();
        assertThat(cancel.path("samplingAnswered").asBoolean()).as(why()).isTrue();
        assertThat(cancel.path("late")).as(why()).isEmpty();
        assertThat(cancel.path("pingAfter").asBoolean()).as(why()).isTrue();
    }

    private List<String> errorsOf(String stepName) {
        List<String> errors = new ArrayList<>();
        report.path("steps").forEach(s -> {
            if (s.path("name").asText().equals(stepName)) {
                s.path("clientErrors").forEach(e -> errors.add(e.asText()));
            }
        });
        return errors;
    }

    @Test
    void resourcesAreListedAndRead() {
        assertThat(step("listResources").path("uris")).extracting(JsonNode::asText).as(why())
                .contains("test://static-text", "test://static-binary");
        JsonNode text = step("readResource").path("contents");
        assertThat(text).as(why()).hasSize(1);
        assertThat(text.get(0).path("uri").asText()).as(why()).isEqualTo("test://static-text");
        assertThat(text.get(0).path("mimeType").asText()).as(why()).isEqualTo("text/plain");
        assertThat(text.get(0).path("text").asText()).as(why())
                .isEqualTo("This is the content of the static text resource.");
        JsonNode templated = step("readTemplate").path("contents");
        assertThat(templated.get(0).path("uri").asText()).as(why()).isEqualTo("test://template/42/data");
        assertThat(templated.get(0).path("text").asText()).as(why()).contains("Data for ID: 42");
    }

    @Test
    void promptsAreListedAndFilledIn() {
        assertThat(step("listPrompts").path("names")).extracting(JsonNode::asText).as(why())
                .contains("test_simple_prompt", "test_prompt_with_arguments");
        JsonNode messages = step("getPrompt").path("messages");
        assertThat(messages).as(why()).hasSize(1);
        assertThat(messages.get(0).path("role").asText()).as(why()).isEqualTo("user");
        assertThat(messages.get(0).path("content").path("text").asText()).as(why())
                .isEqualTo("Prompt with arguments: arg1='sdk', arg2='interop'");
    }

    @Test
    void completionIsOfferedAndAnswers() {
        JsonNode complete = step("complete");
        assertThat(complete.path("offered").asBoolean()).as(why()).isTrue();
        assertThat(complete.path("values")).extracting(JsonNode::asText).as(why())
                .containsExactly("paris", "park", "party", "pasta");
    }

    @Test
    void logMessagesReachTheNotificationHandler() {
        JsonNode logging = step("logging");
        assertThat(logging.path("text").asText()).as(why()).isEqualTo("Tool with logging executed successfully");
        assertThat(logging.path("messages")).extracting(m -> m.path("data").asText()).as(why()).containsExactly(
                "Tool execution started", "Tool processing data", "Tool execution completed");
        assertThat(logging.path("messages")).as(why()).allSatisfy(m -> {
            assertThat(m.path("level").asText()).isEqualTo("info");
            assertThat(m.path("logger").asText()).isEqualTo("conformance");
        });
    }

    @Test
    void samplingIsAnsweredByTheSdkClientsHandler() {
        JsonNode sampling = step("sampling");
        assertThat(sampling.path("isError").asBoolean()).as(why()).isFalse();
        assertThat(sampling.path("text").asText()).as(why()).isEqualTo("LLM response: four, said the SDK client");
        assertThat(sampling.path("requests")).as(why()).hasSize(1);
        JsonNode request = sampling.path("requests").get(0);
        assertThat(request.path("maxTokens").asInt()).as(why()).isEqualTo(100);
        assertThat(request.path("messages").get(0).path("role").asText()).as(why()).isEqualTo("user");
        assertThat(request.path("messages").get(0).path("content").path("text").asText()).as(why())
                .isEqualTo("What is 2+2?");
    }

    @Test
    void elicitationIsAnsweredByTheSdkClientsHandler() {
        JsonNode elicitation = step("elicitation");
        assertThat(elicitation.path("isError").asBoolean()).as(why()).isFalse();
        assertThat(elicitation.path("text").asText()).as(why()).isEqualTo(
                "User response: action=accept, content={\"username\":\"ada\",\"email\":\"ada@example.com\"}");
        assertThat(elicitation.path("requests")).as(why()).hasSize(1);
        JsonNode request = elicitation.path("requests").get(0);
        assertThat(request.path("message").asText()).as(why()).isEqualTo("Who are you?");
        assertThat(request.path("requestedSchema").path("properties").has("username")).as(why()).isTrue();
        assertThat(request.path("requestedSchema").path("required")).extracting(JsonNode::asText).as(why())
                .containsExactly("username", "email");
    }

    private static List<Double> values(JsonNode notifications) {
        List<Double> values = new ArrayList<>();
        notifications.forEach(n -> values.add(n.path("progress").asDouble()));
        return values;
    }
}
