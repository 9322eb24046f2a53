// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The client against a scripted in-memory server: correlation, errors, timeouts, cursors, server requests. */
class McpClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A transport whose server answers each request with {@code script}, synchronously or on another thread. */
    static final class FakeTransport implements ClientTransport {
        final List<JsonNode> sent = new CopyOnWriteArrayList<>();
        Function<JsonNode, List<String>> script = m -> List.of();
        Consumer<JsonNode> inbound;
        String initializedWith;
        int ready;
        boolean closed;

        @Override
        public void start(Consumer<JsonNode> inbound) {
            this.inbound = inbound;
        }

        @Override
        public void send(JsonNode message) {
            sent.add(message);
            List<String> replies = script.apply(message);
            new Thread(() -> replies.forEach(r -> inbound.accept(read(r)))).start();
        }

        @Override
        public void protocolVersion(String protocolVersion) {
            initializedWith = protocolVersion;
        }

        @Override
        public void initialized() {
            ready = sent.size();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final FakeTransport transport = new FakeTransport();

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String result(JsonNode request, String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}";
    }

    private static String method(JsonNode m) {
        return m.path("method").asText();
    }

    private McpClient initialized(McpClient.Builder builder, String version) {
        Function<JsonNode, List<String>> rest = transport.script;
        transport.script = m -> "initialize".equals(method(m))
                ? List.of(result(m, "{\"protocolVersion\":\"" + version + "\",\"capabilities\":{\"tools\":{}},"
                        + "\"serverInfo\":{\"name\":\"fake\",\"version\":\"1\"}}"))
                : rest.apply(m);
        McpClient client = builder.build();
        client.initialize();
        return client;
    }

    @Test
    void initializeAsksForTheLatestVersionAndSendsInitialized() {
        McpClient client = initialized(McpClient.builder(transport).clientInfo("t", "9"), "2025-11-25");
        JsonNode init = transport.sent.get(0);
        assertThat(init.path("params").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(init.path("params").path("clientInfo").path("name").asText()).isEqualTo("t");
        assertThat(init.path("params").path("capabilities").size()).isZero();
        assertThat(method(transport.sent.get(1))).isEqualTo("notifications/initialized");
        assertThat(transport.sent.get(1).has("id")).isFalse();
        assertThat(transport.initializedWith).isEqualTo("2025-11-25");
        assertThat(transport.ready).as("initialized() after notifications/initialized").isEqualTo(2);
        assertThat(client.serverCapabilities().has("tools")).isTrue();
        client.close();
        assertThat(transport.closed).isTrue();
    }

    @Test
    void acceptsAnOlderVersionAndRefusesAnUnknownOne() {
        McpClient client = initialized(McpClient.builder(transport), "2025-06-18");
        assertThat(client.protocolVersion()).isEqualTo("2025-06-18");
        FakeTransport other = new FakeTransport();
        other.script = m -> List.of(result(m, "{\"protocolVersion\":\"1999-01-01\",\"capabilities\":{}}"));
        assertThatThrownBy(() -> McpClient.builder(other).build().initialize()).isInstanceOf(McpException.class)
                .hasMessageContaining("1999-01-01");
        assertThat(other.closed).isTrue();
    }

    @Test
    void handlersDeclareTheirCapabilitiesAndAnswerServerRequests() throws Exception {
        McpClient client = initialized(McpClient.builder(transport)
                .samplingHandler(p -> read("{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\""
                        + p.path("x").asText() + "\"},\"model\":\"m\"}"))
                .rootsHandler(p -> {
                    throw new McpException(-32001, "no roots", null);
                }), "2025-11-25");
        JsonNode caps = transport.sent.get(0).path("params").path("capabilities");
        assertThat(caps.has("sampling")).isTrue();
        assertThat(caps.path("roots").path("listChanged").asBoolean()).isTrue();
        assertThat(caps.has("elicitation")).isFalse();

        transport.inbound.accept(read("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"sampling/createMessage\","
                + "\"params\":{\"x\":\"hello\"}}"));
        transport.inbound.accept(read("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"roots/list\"}"));
        transport.inbound.accept(read("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"elicitation/create\"}"));
        transport.inbound.accept(read("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}"));
        JsonNode sampling = awaitSent(m -> "\"s1\"".equals(m.path("id").toString()));
        assertThat(sampling.path("result").path("content").path("text").asText()).isEqualTo("hello");
        assertThat(awaitSent(m -> m.path("id").asInt() == 5).path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(awaitSent(m -> m.path("id").asInt() == 6).path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(awaitSent(m -> m.path("id").asInt() == 7).path("result").isObject()).isTrue();
        client.close();
    }

    @Test
    void listToolsFollowsCursorsAndErrorsBecomeExceptions() {
        transport.script = m -> switch (method(m)) {
            case "tools/list" -> m.path("params").has("cursor")
                    ? List.of(result(m, "{\"tools\":[{\"name\":\"b\"}]}"))
                    : List.of(result(m, "{\"tools\":[{\"name\":\"a\"}],\"nextCursor\":\"p2\"}"));
            case "tools/call" -> List.of("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id")
                    + ",\"error\":{\"code\":-32602,\"message\":\"Unknown tool\",\"data\":{\"n\":1}}}");
            default -> List.of();
        };
        McpClient client = initialized(McpClient.builder(transport), "2025-11-25");
        assertThat(client.listTools()).extracting(t -> t.path("name").asText()).containsExactly("a", "b");
        assertThatThrownBy(() -> client.callTool("nope", "{}")).isInstanceOfSatisfying(McpException.class, e -> {
            assertThat(e.code()).isEqualTo(-32602);
            assertThat(e.getMessage()).isEqualTo("Unknown tool");
            assertThat(e.data().path("n").asInt()).isEqualTo(1);
        });
        JsonNode call = transport.sent.get(transport.sent.size() - 1);
        assertThat(call.path("params").path("_meta").path("progressToken")).isEqualTo(call.get("id"));
    }

    @Test
    void answersMatchTheirRequestsInAnyOrderAndNotificationsReachListeners() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        transport.script = m -> "tools/call".equals(method(m))
                ? List.of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":"
                        + m.get("id") + ",\"progress\":1}}", result(m, "{\"content\":[],\"n\":" + m.get("id") + "}"))
                : List.of();
        McpClient client = initialized(McpClient.builder(transport)
                .notificationListener((method, params) -> seen.add(method + " " + params.path("progressToken"))),
                "2025-11-25");
        List<Thread> threads = new CopyOnWriteArrayList<>();
        List<String> mismatches = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> {
                JsonNode r = client.callTool("x", (JsonNode) null);
                if (r.path("n").asLong() <= 0) {
                    mismatches.add(r.toString());
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
        assertThat(mismatches).isEmpty();
        assertThat(seen).hasSize(20).allMatch(s -> s.startsWith("notifications/progress "));
    }

    @Test
    void aRequestWithoutAnswerTimesOutAndIsCancelled() throws InterruptedException {
        McpClient client = initialized(McpClient.builder(transport).requestTimeout(Duration.ofMillis(200)),
                "2025-11-25");
        assertThatThrownBy(client::ping).isInstanceOf(McpException.class).hasMessageContaining("timed out");
        JsonNode ping = transport.sent.stream().filter(m -> "ping".equals(method(m))).findFirst().orElseThrow();
        for (int i = 0; i < 200 && !"notifications/cancelled".equals(method(last())); i++) {
            Thread.sleep(10);
        }
        JsonNode cancelled = last();
        assertThat(method(cancelled)).isEqualTo("notifications/cancelled");
        assertThat(cancelled.path("params").path("requestId")).isEqualTo(ping.get("id"));
    }

    @Test
    void pingAndOtherShortcutsSendTheirMethods() {
        transport.script = m -> m.has("id") ? List.of(result(m, "{}")) : List.of();
        McpClient client = initialized(McpClient.builder(transport), "2025-11-25");
        client.ping();
        client.setLoggingLevel("debug");
        client.readResource("file:///x");
        client.getPrompt("p", java.util.Map.of("a", "b"));
        client.complete(read("{\"type\":\"ref/prompt\",\"name\":\"p\"}"), "a", "b");
        assertThat(transport.sent).extracting(McpClientTest::method).containsSubsequence("ping", "logging/setLevel",
                "resources/read", "prompts/get", "completion/complete");
        ObjectNode last = (ObjectNode) transport.sent.get(transport.sent.size() - 1);
        assertThat(last.path("params").path("argument").path("value").asText()).isEqualTo("b");
    }

    private JsonNode last() {
        return transport.sent.get(transport.sent.size() - 1);
    }

    private JsonNode awaitSent(java.util.function.Predicate<JsonNode> which) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (JsonNode m : transport.sent) {
                if (!m.has("method") && which.test(m)) {
                    return m;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("not sent; sent: " + transport.sent);
    }
}
