// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.engine.internal.Harness.Chan;
import io.erlmcp.engine.internal.Harness.Client;
import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.Completer;
import io.erlmcp.mcp.Completion;
import io.erlmcp.mcp.CompletionRequest;
import io.erlmcp.mcp.Content;
import io.erlmcp.mcp.CreateMessageRequest;
import io.erlmcp.mcp.ElicitRequest;
import io.erlmcp.mcp.GetPromptResult;
import io.erlmcp.mcp.JsonText;
import io.erlmcp.mcp.LoggingLevel;
import io.erlmcp.mcp.McpContext;
import io.erlmcp.mcp.Prompt;
import io.erlmcp.mcp.PromptArgument;
import io.erlmcp.mcp.PromptDefinition;
import io.erlmcp.mcp.PromptMessage;
import io.erlmcp.mcp.Resource;
import io.erlmcp.mcp.ResourceContents;
import io.erlmcp.mcp.ResourceProvider;
import io.erlmcp.mcp.ResourceTemplate;
import io.erlmcp.mcp.ResourceTemplateDefinition;
import io.erlmcp.mcp.Tool;
import io.erlmcp.mcp.ToolCall;
import io.erlmcp.mcp.ToolDefinition;

class EngineTest {

    static final String ECHO_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},\"required\":[\"message\"]}";
    static final String SCHEMA_2020 = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
            + "\"type\":\"object\",\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{\"street\":"
            + "{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"address\":{\"$ref\":\"#/$defs/address\"}},\"additionalProperties\":false}";

    Harness h;
    Client c;
    final CountDownLatch slowStarted = new CountDownLatch(1);
    final AtomicBoolean slowInterrupted = new AtomicBoolean();

    static Tool tool(ToolDefinition d, java.util.function.BiFunction<ToolCall, McpContext, Object> f) {
        return new Tool() {
            @Override
            public ToolDefinition definition() {
                return d;
            }

            @Override
            @SuppressWarnings("unchecked")
            public java.util.concurrent.CompletionStage<CallToolResult> call(ToolCall call, McpContext ctx) {
                Object r = f.apply(call, ctx);
                return r instanceof java.util.concurrent.CompletionStage<?> s
                        ? (java.util.concurrent.CompletionStage<CallToolResult>) s
                        : CompletableFuture.completedFuture((CallToolResult) r);
            }
        };
    }

    @BeforeEach
    void setUp() {
        h = new Harness();
        Engine e = h.engine;
        e.addTool(tool(ToolDefinition.of("echo", "Echo", ECHO_SCHEMA),
                (call, ctx) -> CallToolResult.text(call.string("message"))), "b.echo");
        e.addTool(tool(ToolDefinition.of("json_schema_2020_12_tool", "2020-12", SCHEMA_2020),
                (call, ctx) -> CallToolResult.text("ok " + call.arguments())), "b.s");
        e.addTool(tool(ToolDefinition.of("fails", "Throws", ToolDefinition.EMPTY_OBJECT_SCHEMA), (call, ctx) -> {
            throw new IllegalStateException("This tool intentionally fails");
        }), "b");
        String out = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
        e.addTool(tool(ToolDefinition.of("structured", "ok", ToolDefinition.EMPTY_OBJECT_SCHEMA).withOutputSchema(out),
                (call, ctx) -> CallToolResult.structured(call.string("bad") != null ? "{\"n\":\"x\"}" : "{\"n\":1}")),
                "b");
        e.addTool(tool(ToolDefinition.of("slow", "Waits to be cancelled", ToolDefinition.EMPTY_OBJECT_SCHEMA),
                (call, ctx) -> {
                    slowStarted.countDown();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException ex) {
                        slowInterrupted.set(true);
                        Thread.currentThread().interrupt();
                    }
                    return CallToolResult.text("late");
                }), "b");
        e.addTool(tool(ToolDefinition.of("progress", "p", ToolDefinition.EMPTY_OBJECT_SCHEMA), (call, ctx) -> {
            ctx.progress(0, 100.0, null);
            ctx.progress(50, 100.0, "half");
            ctx.progress(100, 100.0, null);
            return CallToolResult.text("done");
        }), "b");
        e.addTool(tool(ToolDefinition.of("logging", "l", ToolDefinition.EMPTY_OBJECT_SCHEMA), (call, ctx) -> {
            ctx.log(LoggingLevel.DEBUG, "t", "debug message");
            ctx.log(LoggingLevel.INFO, "t", "info message");
            ctx.log(LoggingLevel.ERROR, "t", JsonText.of("{\"e\":1}"));
            return CallToolResult.text("logged");
        }), "b");
        e.addTool(tool(ToolDefinition.of("sample", "s", ToolDefinition.EMPTY_OBJECT_SCHEMA),
                (call, ctx) -> ctx.sample(CreateMessageRequest.of("hi", 100))
                        .thenApply(r -> CallToolResult.text("LLM response: " + ((Content.Text) r.content()).text()))),
                "b");
        e.addTool(tool(ToolDefinition.of("elicit", "e", ToolDefinition.EMPTY_OBJECT_SCHEMA),
                (call, ctx) -> ctx.elicit(ElicitRequest.form("Name?",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"default\":\"J\"}}}"))
                        .thenApply(r -> CallToolResult.text(r.action() + " " + r.content()))), "b");
        e.addTool(tool(ToolDefinition.of("roots", "r", ToolDefinition.EMPTY_OBJECT_SCHEMA),
                (call, ctx) -> ctx.listRoots().thenApply(r -> CallToolResult.text("roots " + r.size()))), "b");
        e.addTool(tool(ToolDefinition.of("close_stream", "c", ToolDefinition.EMPTY_OBJECT_SCHEMA), (call, ctx) -> {
            ctx.closeStream();
            return CallToolResult.text("closed");
        }), "b");
        e.addResourceProvider(new ResourceProvider() {
            @Override
            public List<Resource> resources() {
                return List.of(Resource.of("test://static-text", "static-text", "Static", "text/plain"),
                        Resource.of("test://static-binary", "static-binary", "Binary", "image/png"));
            }

            @Override
            public java.util.concurrent.CompletionStage<List<ResourceContents>> read(String uri, McpContext ctx) {
                return CompletableFuture.completedFuture(uri.endsWith("text")
                        ? List.of(ResourceContents.text(uri, "text/plain", "hello"))
                        : List.of(ResourceContents.blob(uri, "image/png", "AAAA")));
            }
        }, "b.res");
        e.addResourceTemplate(new ResourceTemplate() {
            @Override
            public ResourceTemplateDefinition definition() {
                return ResourceTemplateDefinition.of("test://template/{id}/data", "t", "T", "application/json");
            }

            @Override
            public java.util.concurrent.CompletionStage<List<ResourceContents>> read(String uri,
                    Map<String, String> vars, McpContext ctx) {
                return CompletableFuture.completedFuture(
                        List.of(ResourceContents.text(uri, "application/json", "{\"id\":\"" + vars.get("id") + "\"}")));
            }
        }, "b.res");
        e.addPrompt(new Prompt() {
            @Override
            public PromptDefinition definition() {
                return PromptDefinition.of("test_prompt_with_arguments", "args",
                        PromptArgument.of("arg1", "a", true), PromptArgument.of("arg2", "b", true));
            }

            @Override
            public java.util.concurrent.CompletionStage<GetPromptResult> get(Map<String, String> a, McpContext ctx) {
                return CompletableFuture.completedFuture(GetPromptResult.of(null, PromptMessage.user(
                        Content.text("Prompt with arguments: arg1='" + a.get("arg1") + "', arg2='" + a.get("arg2")
                                + "'"))));
            }
        }, "b.p");
        e.addCompleter(new Completer() {
            @Override
            public String refType() {
                return CompletionRequest.REF_PROMPT;
            }

            @Override
            public String refName() {
                return "test_prompt_with_arguments";
            }

            @Override
            public java.util.concurrent.CompletionStage<Completion> complete(CompletionRequest r, McpContext ctx) {
                List<String> all = new java.util.ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    all.add(r.argumentValue() + i);
                }
                return CompletableFuture.completedFuture(new Completion(all, null, null));
            }
        }, "b.p");
        try {
            Thread.sleep(120); // let the list_changed of the registrations above pass (no session yet)
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        c = h.client();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    static String req(Object id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + (id instanceof String ? "\"" + id + "\"" : id) + ",\"method\":\""
                + method + "\"" + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    JsonNode callTool(String name, String args) throws Exception {
        return c.request(7, "tools/call", "{\"name\":\"" + name + "\",\"arguments\":" + args + "}");
    }

    // ---------------------------------------------------------------- lifecycle

    @ParameterizedTest
    @ValueSource(strings = { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25" })
    void initializeNegotiatesEachVersion(String version) throws Exception {
        JsonNode r = c.init(version, "{}");
        assertThat(r.path("result").path("protocolVersion").asText()).isEqualTo(version);
        assertThat(r.path("result").path("serverInfo").path("name").asText()).isEqualTo("test-server");
        assertThat(r.path("result").path("serverInfo").path("title").asText()).isEqualTo("Test Server");
        assertThat(r.path("result").path("instructions").asText()).isEqualTo("Be nice.");
        JsonNode caps = r.path("result").path("capabilities");
        assertThat(caps.path("tools").path("listChanged").asBoolean()).isTrue();
        assertThat(caps.path("resources").path("subscribe").asBoolean()).isTrue();
        assertThat(caps.has("prompts") && caps.has("logging") && caps.has("completions")).isTrue();
        assertThat(c.session.protocolVersion()).isEqualTo(version);
        assertThat(c.session.initialized()).isTrue();
    }

    @Test
    void unknownVersionGetsTheLatest() throws Exception {
        assertThat(c.init("1999-01-01", "{}").path("result").path("protocolVersion").asText())
                .isEqualTo("2025-11-25");
    }

    @Test
    void secondInitializeIsRefused() throws Exception {
        c.init();
        assertThat(c.init().path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(c.pings()).isTrue();
    }

    @Test
    void requestBeforeInitializeIsRefusedButPingWorks() throws Exception {
        JsonNode r = c.request(1, "tools/list", null);
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(r.path("error").path("message").asText()).contains("not initialized");
        assertThat(c.pings()).isTrue();
        assertThat(c.init().has("result")).isTrue();
        assertThat(c.request(2, "tools/list", null).has("result")).isTrue();
    }

    // ---------------------------------------------------------------- JSON-RPC errors

    @Test
    void malformedJsonIsParseError() throws Exception {
        c.init();
        var frame = h.engine.parse("{\"jsonrpc\":".getBytes());
        assertThat(frame.errorResponse()).isPresent();
        JsonNode r = c.call("{\"jsonrpc\": nope");
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(r.get("id").isNull()).isTrue();
        assertThat(c.pings()).isTrue();
    }

    @Test
    void invalidEnvelopeIsInvalidRequest() throws Exception {
        c.init();
        assertThat(c.call("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}").path("error").path("code").asInt())
                .isEqualTo(-32600);
        assertThat(c.call("{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}").path("error").path("code")
                .asInt()).isEqualTo(-32600);
        assertThat(c.call("{\"jsonrpc\":\"2.0\",\"id\":5}").path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(c.call("42").path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(c.call("[]").path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(c.pings()).isTrue();
    }

    @Test
    void unknownMethodAndInvalidParams() throws Exception {
        c.init();
        JsonNode r = c.request(3, "nope/nothing", null);
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(r.path("id").asInt()).isEqualTo(3);
        assertThat(c.request(4, "resources/read", "{}").path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(c.request(5, "logging/setLevel", "{\"level\":\"loud\"}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.request(6, "tools/list", "{\"cursor\":\"!!\"}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.pings()).isTrue();
    }

    @Test
    void notificationsGetNoResponse() throws Exception {
        c.init();
        assertThat(c.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}").all).isEmpty();
        assertThat(c.send("{\"jsonrpc\":\"2.0\",\"method\":\"whatever\"}").all).isEmpty();
        assertThat(h.engine.parse("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".getBytes()).hasRequests()).isFalse();
    }

    // ---------------------------------------------------------------- batches

    @Test
    void batchesOnlyFor20250326() throws Exception {
        String batch = "[" + req(1, "ping", null) + "," + req(2, "tools/list", null)
                + ",{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}]";
        var parsed = h.engine.parse(batch.getBytes());
        assertThat(parsed.isBatch()).isTrue();
        assertThat(parsed.hasRequests()).isTrue();
        assertThat(parsed.isInitialize()).isFalse();
        c.init("2025-03-26", "{}");
        JsonNode r = c.call(batch);
        assertThat(r.isArray()).isTrue();
        assertThat(r).hasSize(2);
        assertThat(r.get(0).path("id").asInt()).isEqualTo(1);
        assertThat(r.get(1).path("result").path("tools").isArray()).isTrue();
        // initialize inside a batch is refused
        assertThat(c.call("[" + req(9, "initialize", "{\"protocolVersion\":\"2025-03-26\"}") + "]").path("error")
                .path("code").asInt()).isEqualTo(-32600);

        for (String v : List.of("2024-11-05", "2025-06-18", "2025-11-25")) {
            Client other = h.client();
            other.init(v, "{}");
            JsonNode e = other.call(batch);
            assertThat(e.path("error").path("code").asInt()).as(v).isEqualTo(-32600);
            assertThat(other.pings()).isTrue();
        }
        Client fresh = h.client();
        assertThat(fresh.call(batch).path("error").path("code").asInt()).isEqualTo(-32600);
    }

    // ---------------------------------------------------------------- tools

    @Test
    void toolsListIsPaginatedAndKeepsSchemasVerbatim() throws Exception {
        try (Harness small = new Harness(3)) {
            for (String n : List.of("a", "b", "c", "d", "e", "f", "g")) {
                small.engine.addTool(tool(ToolDefinition.of(n, n, SCHEMA_2020), (x, y) -> null), "k");
            }
            Client cl = small.client();
            cl.init();
            List<String> names = new java.util.ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode r = cl.request(1, "tools/list", cursor == null ? null : "{\"cursor\":\"" + cursor + "\"}");
                r.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
                cursor = r.path("result").hasNonNull("nextCursor") ? r.path("result").get("nextCursor").asText() : null;
                pages++;
            } while (cursor != null);
            assertThat(names).containsExactly("a", "b", "c", "d", "e", "f", "g");
            assertThat(pages).isEqualTo(3);
        }
        c.init();
        JsonNode tools = c.request(1, "tools/list", null).path("result").path("tools");
        JsonNode t = null;
        for (JsonNode x : tools) {
            if (x.path("name").asText().equals("json_schema_2020_12_tool")) {
                t = x;
            }
        }
        assertThat(t).isNotNull();
        assertThat(t.get("inputSchema")).isEqualTo(Json.tree(SCHEMA_2020));
        assertThat(t.get("inputSchema").path("$schema").asText()).contains("2020-12");
        assertThat(t.get("inputSchema").path("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void toolsCall() throws Exception {
        c.init();
        JsonNode ok = callTool("echo", "{\"message\":\"hi\"}");
        assertThat(ok.path("result").path("content").get(0).path("text").asText()).isEqualTo("hi");
        assertThat(ok.path("result").has("isError")).isFalse();

        JsonNode bad = callTool("echo", "{\"message\":5}");
        assertThat(bad.path("result").path("isError").asBoolean()).isTrue();
        assertThat(bad.path("result").path("content").get(0).path("text").asText()).contains("Invalid arguments");
        assertThat(callTool("echo", "{}").path("result").path("isError").asBoolean()).isTrue();
        assertThat(callTool("json_schema_2020_12_tool", "{\"extra\":1}").path("result").path("isError").asBoolean())
                .isTrue();
        assertThat(callTool("json_schema_2020_12_tool", "{\"name\":\"n\",\"address\":{\"city\":\"c\"}}")
                .path("result").has("isError")).isFalse();

        JsonNode unknown = callTool("nope", "{}");
        assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32602);

        JsonNode failed = callTool("fails", "{}");
        assertThat(failed.path("result").path("isError").asBoolean()).isTrue();
        assertThat(failed.path("result").path("content").get(0).path("text").asText()).contains("intentionally");

        JsonNode structured = callTool("structured", "{}");
        assertThat(structured.path("result").path("structuredContent").path("n").asInt()).isEqualTo(1);
        JsonNode mismatch = callTool("structured", "{\"bad\":true}");
        assertThat(mismatch.path("result").path("isError").asBoolean()).isTrue();
        assertThat(mismatch.path("result").path("content").get(0).path("text").asText()).contains("outputSchema");
        assertThat(c.pings()).isTrue();
    }

    @Test
    void progressGoesToTheRequestChannelWhenATokenIsGiven() throws Exception {
        c.init();
        Chan ch = c.send(req(1, "tools/call", "{\"name\":\"progress\",\"_meta\":{\"progressToken\":\"tok\"}}"));
        assertThat(ch.all).hasSize(4);
        assertThat(ch.all.get(1).path("method").asText()).isEqualTo("notifications/progress");
        assertThat(ch.all.get(1).path("params").path("progressToken").asText()).isEqualTo("tok");
        assertThat(ch.all.get(1).path("params").path("progress").asInt()).isEqualTo(50);
        assertThat(ch.all.get(1).path("params").path("total").asInt()).isEqualTo(100);
        assertThat(ch.kinds.get(0)).isEqualTo(io.erlmcp.transport.MessageKind.NOTIFICATION);
        assertThat(ch.kinds.get(3)).isEqualTo(io.erlmcp.transport.MessageKind.RESPONSE);
        Chan none = c.send(req(2, "tools/call", "{\"name\":\"progress\"}"));
        assertThat(none.all).hasSize(1);
    }

    @Test
    void loggingIsFilteredBySetLevel() throws Exception {
        c.init();
        assertThat(c.send(req(1, "tools/call", "{\"name\":\"logging\"}")).all).hasSize(4);
        assertThat(c.request(2, "logging/setLevel", "{\"level\":\"warning\"}").path("result").isObject()).isTrue();
        Chan ch = c.send(req(3, "tools/call", "{\"name\":\"logging\"}"));
        assertThat(ch.all).hasSize(2);
        assertThat(ch.all.get(0).path("method").asText()).isEqualTo("notifications/message");
        assertThat(ch.all.get(0).path("params").path("level").asText()).isEqualTo("error");
        assertThat(ch.all.get(0).path("params").path("data").path("e").asInt()).isEqualTo(1);
    }

    @Test
    void cancellationSuppressesTheResponseAndInterrupts() throws Exception {
        c.init();
        Chan ch = new Chan();
        CompletableFuture<Void> done = c.start(req(42, "tools/call", "{\"name\":\"slow\"}"), ch);
        assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        c.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":42}}");
        done.get(5, TimeUnit.SECONDS);
        Thread.sleep(100);
        assertThat(ch.all).isEmpty();
        assertThat(slowInterrupted.get()).isTrue();
        assertThat(h.engine.stats().inFlight()).isZero();
        assertThat(c.pings()).isTrue();
    }

    @Test
    void samplingRoundTrip() throws Exception {
        c.init();
        Chan ch = new Chan();
        CompletableFuture<Void> done = c.start(req(1, "tools/call", "{\"name\":\"sample\"}"), ch);
        JsonNode request = ch.next();
        assertThat(request.path("method").asText()).isEqualTo("sampling/createMessage");
        assertThat(request.path("params").path("maxTokens").asInt()).isEqualTo(100);
        assertThat(request.path("params").path("messages").get(0).path("content").path("text").asText())
                .isEqualTo("hi");
        assertThat(ch.kinds.get(0)).isEqualTo(io.erlmcp.transport.MessageKind.REQUEST);
        c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + request.path("id").asText() + "\",\"result\":{\"role\":\"assistant\","
                + "\"content\":{\"type\":\"text\",\"text\":\"42\"},\"model\":\"m\"}}");
        done.get(5, TimeUnit.SECONDS);
        assertThat(ch.all.get(1).path("result").path("content").get(0).path("text").asText())
                .isEqualTo("LLM response: 42");
    }

    @Test
    void elicitationAndRootsRoundTrip() throws Exception {
        c.init();
        Chan ch = new Chan();
        CompletableFuture<Void> done = c.start(req(1, "tools/call", "{\"name\":\"elicit\"}"), ch);
        JsonNode request = ch.next();
        assertThat(request.path("method").asText()).isEqualTo("elicitation/create");
        assertThat(request.path("params").path("requestedSchema").path("properties").path("name").path("default")
                .asText()).isEqualTo("J");
        c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + request.path("id").asText()
                + "\",\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Ann\"}}}");
        done.get(5, TimeUnit.SECONDS);
        assertThat(ch.all.get(1).path("result").path("content").get(0).path("text").asText())
                .isEqualTo("accept {name=Ann}");

        Chan rc = new Chan();
        CompletableFuture<Void> rdone = c.start(req(2, "tools/call", "{\"name\":\"roots\"}"), rc);
        JsonNode rr = rc.next();
        assertThat(rr.path("method").asText()).isEqualTo("roots/list");
        c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + rr.path("id").asText()
                + "\",\"result\":{\"roots\":[{\"uri\":\"file:///a\"},{\"uri\":\"file:///b\",\"name\":\"b\"}]}}");
        rdone.get(5, TimeUnit.SECONDS);
        assertThat(rc.all.get(1).path("result").path("content").get(0).path("text").asText()).isEqualTo("roots 2");
    }

    @Test
    void serverRequestWithoutCapabilityFailsFast() throws Exception {
        c.init("2025-06-18", "{}");
        Chan ch = c.send(req(1, "tools/call", "{\"name\":\"sample\"}"));
        assertThat(ch.all).hasSize(1);
        JsonNode r = ch.all.get(0);
        assertThat(r.path("error").path("message").asText()).contains("sampling");
    }

    @Test
    void clientErrorResponseFailsTheStage() throws Exception {
        c.init();
        Chan ch = new Chan();
        CompletableFuture<Void> done = c.start(req(1, "tools/call", "{\"name\":\"sample\"}"), ch);
        JsonNode request = ch.next();
        c.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + request.path("id").asText()
                + "\",\"error\":{\"code\":-1,\"message\":\"user rejected\"}}");
        done.get(5, TimeUnit.SECONDS);
        JsonNode last = ch.all.get(ch.all.size() - 1);
        assertThat(last.toString()).contains("user rejected");
    }

    @Test
    void closeStreamReachesTheChannel() throws Exception {
        c.init();
        Chan ch = c.send(req(1, "tools/call", "{\"name\":\"close_stream\"}"));
        assertThat(ch.streamCloses).isEqualTo(1);
        assertThat(ch.all).hasSize(1);
    }

    // ---------------------------------------------------------------- resources

    @Test
    void resources() throws Exception {
        c.init();
        JsonNode list = c.request(1, "resources/list", null).path("result").path("resources");
        assertThat(list).hasSize(2);
        JsonNode text = c.request(2, "resources/read", "{\"uri\":\"test://static-text\"}");
        assertThat(text.path("result").path("contents").get(0).path("text").asText()).isEqualTo("hello");
        JsonNode blob = c.request(3, "resources/read", "{\"uri\":\"test://static-binary\"}");
        assertThat(blob.path("result").path("contents").get(0).path("blob").asText()).isEqualTo("AAAA");
        JsonNode missing = c.request(4, "resources/read", "{\"uri\":\"test://nope\"}");
        assertThat(missing.path("error").path("code").asInt()).isEqualTo(-32002);
        assertThat(missing.path("error").path("data").path("uri").asText()).isEqualTo("test://nope");
        JsonNode templates = c.request(5, "resources/templates/list", null).path("result").path("resourceTemplates");
        assertThat(templates.get(0).path("uriTemplate").asText()).isEqualTo("test://template/{id}/data");
        JsonNode t = c.request(6, "resources/read", "{\"uri\":\"test://template/123/data\"}");
        assertThat(t.path("result").path("contents").get(0).path("text").asText()).isEqualTo("{\"id\":\"123\"}");
        assertThat(c.pings()).isTrue();
    }

    @Test
    void subscriptions() throws Exception {
        c.init();
        assertThat(c.request(1, "resources/subscribe", "{\"uri\":\"test://w\"}").path("result").isObject()).isTrue();
        h.engine.resourceUpdated("test://w");
        h.engine.resourceUpdated("test://other");
        JsonNode n = c.standalone.next();
        assertThat(n.path("method").asText()).isEqualTo("notifications/resources/updated");
        assertThat(n.path("params").path("uri").asText()).isEqualTo("test://w");
        assertThat(c.standalone.poll(100)).isNull();
        assertThat(c.request(2, "resources/unsubscribe", "{\"uri\":\"test://w\"}").path("result").isObject()).isTrue();
        h.engine.resourceUpdated("test://w");
        assertThat(c.standalone.poll(100)).isNull();
    }

    // ---------------------------------------------------------------- prompts, completion

    @Test
    void prompts() throws Exception {
        c.init();
        JsonNode list = c.request(1, "prompts/list", null).path("result").path("prompts");
        assertThat(list.get(0).path("arguments")).hasSize(2);
        JsonNode r = c.request(2, "prompts/get",
                "{\"name\":\"test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"hello\",\"arg2\":\"world\"}}");
        assertThat(r.path("result").path("messages").get(0).path("content").path("text").asText())
                .isEqualTo("Prompt with arguments: arg1='hello', arg2='world'");
        JsonNode missing = c.request(3, "prompts/get",
                "{\"name\":\"test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"hello\"}}");
        assertThat(missing.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(c.request(4, "prompts/get", "{\"name\":\"nope\"}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.pings()).isTrue();
    }

    @Test
    void completion() throws Exception {
        c.init();
        JsonNode r = c.request(1, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":"
                + "\"test_prompt_with_arguments\"},\"argument\":{\"name\":\"arg1\",\"value\":\"par\"},"
                + "\"context\":{\"arguments\":{\"arg2\":\"x\"}}}");
        JsonNode comp = r.path("result").path("completion");
        assertThat(comp.path("values")).hasSize(100);
        assertThat(comp.path("values").get(0).asText()).isEqualTo("par0");
        assertThat(comp.path("total").asInt()).isEqualTo(150);
        assertThat(comp.path("hasMore").asBoolean()).isTrue();
        JsonNode none = c.request(2, "completion/complete", "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"x://\"},"
                + "\"argument\":{\"name\":\"a\",\"value\":\"\"}}");
        assertThat(none.path("result").path("completion").path("values")).isEmpty();
    }

    // ---------------------------------------------------------------- whiteboard, sessions

    @Test
    void listChangedIsCoalescedOnTheStandaloneChannel() throws Exception {
        c.init();
        Tool a = tool(ToolDefinition.of("new_a", "a", ToolDefinition.EMPTY_OBJECT_SCHEMA), (x, y) -> null);
        Tool b = tool(ToolDefinition.of("new_b", "b", ToolDefinition.EMPTY_OBJECT_SCHEMA), (x, y) -> null);
        h.engine.addTool(a, "k");
        h.engine.addTool(b, "k");
        JsonNode n = c.standalone.next();
        assertThat(n.path("method").asText()).isEqualTo("notifications/tools/list_changed");
        assertThat(c.standalone.poll(150)).isNull();
        h.engine.removeTool(a);
        assertThat(c.standalone.next().path("method").asText()).isEqualTo("notifications/tools/list_changed");
        JsonNode names = c.request(1, "tools/list", null).path("result").path("tools");
        assertThat(names.toString()).contains("new_b").doesNotContain("new_a");
        h.engine.addPrompt(new Prompt() {
            @Override
            public PromptDefinition definition() {
                return PromptDefinition.of("p2", "d");
            }

            @Override
            public java.util.concurrent.CompletionStage<GetPromptResult> get(Map<String, String> x, McpContext y) {
                return null;
            }
        }, "k");
        assertThat(c.standalone.next().path("method").asText()).isEqualTo("notifications/prompts/list_changed");
    }

    @Test
    void sessionsRegistry() throws Exception {
        c.init();
        String id = c.session.id();
        assertThat(id).matches("[A-Za-z0-9_-]{32}");
        assertThat(h.engine.find(id)).isPresent();
        assertThat(h.engine.get(id).orElseThrow().client().name()).isEqualTo("t");
        assertThat(h.engine.list()).hasSize(1);
        assertThat(h.engine.stats().active()).isEqualTo(1);
        assertThat(h.engine.terminate(id)).isTrue();
        assertThat(c.session.isClosed()).isTrue();
        assertThat(c.standalone.sessionCloses).as("the transport is told once").isEqualTo(1);
        assertThat(h.engine.find(id)).isEmpty();
        assertThat(h.engine.stats().closed()).isEqualTo(1);
        assertThat(h.engine.terminate(id)).as("a second terminate finds nothing").isFalse();
        assertThat(c.standalone.sessionCloses).isEqualTo(1);
    }

    @Test
    void aSessionTheTransportClosesIsNotReportedBackToIt() throws Exception {
        c.init();
        c.session.close();
        assertThat(c.session.isClosed()).isTrue();
        assertThat(c.standalone.sessionCloses).isZero();
        assertThat(h.engine.terminate(c.session.id())).isFalse();
        assertThat(c.standalone.sessionCloses).isZero();
    }

    @Test
    void closingASessionCancelsRunningRequests() throws Exception {
        c.init();
        Chan ch = new Chan();
        CompletableFuture<Void> done = c.start(req(1, "tools/call", "{\"name\":\"slow\"}"), ch);
        assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        c.session.close();
        done.get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 50 && !slowInterrupted.get(); i++) {
            Thread.sleep(20);
        }
        assertThat(slowInterrupted.get()).isTrue();
    }

    @Test
    void uriTemplates() {
        assertThat(new UriTemplate("test://template/{id}/data").match("test://template/123/data"))
                .containsEntry("id", "123");
        assertThat(new UriTemplate("test://template/{id}/data").match("test://template/1/2/data")).isNull();
        assertThat(new UriTemplate("file://{+path}").match("file:///a/b%20c")).containsEntry("path", "/a/b c");
        assertThat(new UriTemplate("x://s{/a,b}{?q,r}").match("x://s/1/2?q=z&r=y"))
                .containsEntry("a", "1").containsEntry("b", "2").containsEntry("q", "z").containsEntry("r", "y");
        assertThat(new UriTemplate("x://{a}.{b}").match("x://1.2")).isNotNull();
        assertThat(new UriTemplate("x://f{.ext}").match("x://f.json")).containsEntry("ext", "json");
    }
}
