// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.examples.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.engine.internal.Engine;
import io.erlmcp.mcp.Completer;
import io.erlmcp.mcp.Prompt;
import io.erlmcp.mcp.ResourceProvider;
import io.erlmcp.mcp.ResourceTemplate;
import io.erlmcp.mcp.Tool;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/** Runs the conformance handlers in an engine, through the transport SPI, as the suite's scenarios do. */
class ConformanceInProcessTest {

    static final ObjectMapper M = new ObjectMapper();
    ExecutorService pool;
    ScheduledExecutorService timer;
    Engine engine;
    ServerSession session;

    static final class Chan implements MessageChannel {
        final LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        final List<JsonNode> all = new CopyOnWriteArrayList<>();
        volatile int closes;

        @Override
        public void send(byte[] json, MessageKind kind) {
            try {
                JsonNode n = M.readTree(json);
                all.add(n);
                queue.add(n);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void closeStream() {
            closes++;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        pool = Executors.newFixedThreadPool(4);
        timer = Executors.newSingleThreadScheduledExecutor();
        engine = new Engine(new Engine.Settings("conformance", null, "1", "", 100, Duration.ZERO,
                Duration.ofSeconds(5)), pool, timer, () -> null);
        for (Object h : ConformanceHandlers.all()) {
            if (h instanceof Tool t) {
                engine.addTool(t, "conf");
            } else if (h instanceof Prompt p) {
                engine.addPrompt(p, "conf");
            } else if (h instanceof ResourceProvider r) {
                engine.addResourceProvider(r, "conf");
            } else if (h instanceof ResourceTemplate t) {
                engine.addResourceTemplate(t, "conf");
            } else {
                engine.addCompleter((Completer) h, "conf");
            }
        }
        session = engine.open(new TransportInfo("test", null, null), new Chan());
        call("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":{},\"elicitation\":{}},"
                + "\"clientInfo\":{\"name\":\"conformance-test-client\",\"version\":\"1.0.0\"}}");
    }

    @AfterEach
    void tearDown() {
        engine.shutdown();
        pool.shutdownNow();
        timer.shutdownNow();
    }

    CompletableFuture<Void> start(String method, String params, Chan ch) {
        String json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
        return session.receive(engine.parse(json.getBytes(StandardCharsets.UTF_8)), ch).toCompletableFuture();
    }

    JsonNode call(String method, String params) throws Exception {
        Chan ch = new Chan();
        start(method, params, ch).get(10, TimeUnit.SECONDS);
        return ch.all.get(ch.all.size() - 1).path("result");
    }

    JsonNode tool(String name, String args) throws Exception {
        return call("tools/call", "{\"name\":\"" + name + "\",\"arguments\":" + args + "}");
    }

    @Test
    void toolsListHasEverything() throws Exception {
        JsonNode tools = call("tools/list", "{}").path("tools");
        List<String> names = new java.util.ArrayList<>();
        tools.forEach(t -> {
            names.add(t.path("name").asText());
            assertThat(t.path("description").isTextual()).isTrue();
            assertThat(t.path("inputSchema").path("type").asText()).isEqualTo("object");
        });
        assertThat(names).contains("test_simple_text", "test_image_content", "test_audio_content",
                "test_embedded_resource", "test_multiple_content_types", "test_tool_with_logging",
                "test_error_handling", "test_tool_with_progress", "test_sampling", "test_elicitation",
                "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums", "test_reconnection",
                "json_schema_2020_12_tool");
        JsonNode schema = null;
        for (JsonNode t : tools) {
            if (t.path("name").asText().equals("json_schema_2020_12_tool")) {
                schema = t.path("inputSchema");
            }
        }
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$defs").has("address")).isTrue();
        assertThat(schema.path("additionalProperties").isBoolean()).isTrue();
    }

    @Test
    void contentTools() throws Exception {
        assertThat(tool("test_simple_text", "{}").path("content").get(0).path("text").asText())
                .isEqualTo("This is a simple text response for testing.");
        JsonNode img = tool("test_image_content", "{}").path("content").get(0);
        assertThat(img.path("type").asText()).isEqualTo("image");
        assertThat(img.path("mimeType").asText()).isEqualTo("image/png");
        assertThat(java.util.Base64.getDecoder().decode(img.path("data").asText())).isNotEmpty();
        assertThat(tool("test_audio_content", "{}").path("content").get(0).path("mimeType").asText())
                .isEqualTo("audio/wav");
        JsonNode emb = tool("test_embedded_resource", "{}").path("content").get(0);
        assertThat(emb.path("resource").path("uri").asText()).isEqualTo("test://embedded-resource");
        JsonNode mixed = tool("test_multiple_content_types", "{}").path("content");
        assertThat(mixed).hasSize(3);
        assertThat(mixed.get(2).path("type").asText()).isEqualTo("resource");
        JsonNode err = tool("test_error_handling", "{}");
        assertThat(err.path("isError").asBoolean()).isTrue();
        assertThat(err.path("content").get(0).path("text").asText())
                .isEqualTo("This tool intentionally returns an error for testing");
    }

    @Test
    void loggingAndProgress() throws Exception {
        Chan ch = new Chan();
        start("tools/call", "{\"name\":\"test_tool_with_logging\",\"arguments\":{}}", ch).get(5, TimeUnit.SECONDS);
        assertThat(ch.all).hasSize(4);
        assertThat(ch.all.get(0).path("params").path("data").asText()).isEqualTo("Tool execution started");
        Chan p = new Chan();
        start("tools/call", "{\"name\":\"test_tool_with_progress\",\"arguments\":{},\"_meta\":{\"progressToken\":7}}",
                p).get(5, TimeUnit.SECONDS);
        assertThat(p.all).hasSize(4);
        assertThat(p.all.get(2).path("params").path("progress").asInt()).isEqualTo(100);
        assertThat(p.all.get(2).path("params").path("progressToken").asInt()).isEqualTo(7);
    }

    @Test
    void samplingAndElicitation() throws Exception {
        Chan ch = new Chan();
        CompletableFuture<Void> done = start("tools/call",
                "{\"name\":\"test_sampling\",\"arguments\":{\"prompt\":\"What is 2+2?\"}}", ch);
        JsonNode req = ch.queue.poll(5, TimeUnit.SECONDS);
        assertThat(req.path("method").asText()).isEqualTo("sampling/createMessage");
        reply(req, "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"4\"},\"model\":\"x\"}");
        done.get(5, TimeUnit.SECONDS);
        assertThat(ch.all.get(1).path("result").path("content").get(0).path("text").asText())
                .isEqualTo("LLM response: 4");

        Chan e = new Chan();
        CompletableFuture<Void> edone = start("tools/call", "{\"name\":\"test_elicitation_sep1034_defaults\"}", e);
        JsonNode ereq = e.queue.poll(5, TimeUnit.SECONDS);
        assertThat(ereq.path("params").path("requestedSchema").path("properties").path("score").path("default")
                .asDouble()).isEqualTo(95.5);
        reply(ereq, "{\"action\":\"accept\",\"content\":{\"name\":\"John Doe\",\"age\":30}}");
        edone.get(5, TimeUnit.SECONDS);
        assertThat(e.all.get(1).path("result").path("content").get(0).path("text").asText())
                .startsWith("Elicitation completed: action=accept, content={\"name\":\"John Doe\"");
    }

    void reply(JsonNode request, String result) throws Exception {
        String json = "{\"jsonrpc\":\"2.0\",\"id\":\"" + request.path("id").asText() + "\",\"result\":" + result + "}";
        session.receive(engine.parse(json.getBytes(StandardCharsets.UTF_8)), new Chan()).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void reconnectionClosesTheStream() throws Exception {
        Chan ch = new Chan();
        start("tools/call", "{\"name\":\"test_reconnection\",\"arguments\":{}}", ch).get(5, TimeUnit.SECONDS);
        assertThat(ch.closes).isEqualTo(1);
        assertThat(ch.all.get(0).path("result").path("content").get(0).path("text").asText())
                .contains("Reconnection");
    }

    @Test
    void slowProgressReportsEveryStepAndStopsWhenCancelled() throws Exception {
        Chan ch = new Chan();
        start("tools/call", "{\"name\":\"test_slow_progress\",\"arguments\":{\"steps\":4,\"intervalMs\":10},"
                + "\"_meta\":{\"progressToken\":\"t\"}}", ch).get(5, TimeUnit.SECONDS);
        assertThat(ch.all).hasSize(5);
        assertThat(ch.all.subList(0, 4)).extracting(n -> n.at("/params/progress").asInt()).containsExactly(1, 2, 3, 4);
        assertThat(ch.all.get(4).at("/result/content/0/text").asText()).isEqualTo("Completed 4 steps");

        Chan slow = new Chan();
        CompletableFuture<Void> running = start("tools/call", "{\"name\":\"test_slow_progress\",\"arguments\":"
                + "{\"steps\":100,\"intervalMs\":50},\"_meta\":{\"progressToken\":\"u\"}}", slow);
        assertThat(slow.queue.poll(5, TimeUnit.SECONDS)).isNotNull();
        session.receive(engine.parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                .concat("{\"requestId\":1,\"reason\":\"test\"}}").getBytes(StandardCharsets.UTF_8)), new Chan());
        running.get(5, TimeUnit.SECONDS);
        int sent = slow.all.size();
        Thread.sleep(200);
        assertThat(slow.all).hasSize(sent).allSatisfy(n -> assertThat(n.has("result")).isFalse());
        assertThat(sent).isLessThan(10);
    }

    @Test
    void resourcesPromptsCompletion() throws Exception {
        assertThat(call("resources/list", "{}").path("resources")).hasSize(3);
        assertThat(call("resources/read", "{\"uri\":\"test://static-text\"}").path("contents").get(0).path("text")
                .asText()).isEqualTo("This is the content of the static text resource.");
        assertThat(call("resources/read", "{\"uri\":\"test://static-binary\"}").path("contents").get(0)
                .path("blob").asText()).isNotEmpty();
        assertThat(call("resources/read", "{\"uri\":\"test://template/123/data\"}").path("contents").get(0)
                .path("text").asText()).isEqualTo("{\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\"}");
        assertThat(call("resources/subscribe", "{\"uri\":\"test://watched-resource\"}").isObject()).isTrue();
        assertThat(call("resources/unsubscribe", "{\"uri\":\"test://watched-resource\"}").isObject()).isTrue();
        assertThat(call("prompts/list", "{}").path("prompts")).hasSize(4);
        assertThat(call("prompts/get", "{\"name\":\"test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"hello\","
                + "\"arg2\":\"world\"}}").path("messages").get(0).path("content").path("text").asText())
                .isEqualTo("Prompt with arguments: arg1='hello', arg2='world'");
        assertThat(call("prompts/get", "{\"name\":\"test_prompt_with_embedded_resource\",\"arguments\":"
                + "{\"resourceUri\":\"test://example-resource\"}}").path("messages").get(0).path("content")
                .path("resource").path("uri").asText()).isEqualTo("test://example-resource");
        assertThat(call("prompts/get", "{\"name\":\"test_prompt_with_image\"}").path("messages").get(0)
                .path("content").path("type").asText()).isEqualTo("image");
        JsonNode comp = call("completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":"
                + "\"test_prompt_with_arguments\"},\"argument\":{\"name\":\"arg1\",\"value\":\"par\"}}");
        assertThat(comp.path("completion").path("values").toString()).contains("paris", "park", "party");
    }
}
