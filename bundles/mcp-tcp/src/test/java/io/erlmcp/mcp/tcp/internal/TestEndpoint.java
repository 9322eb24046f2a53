// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * A small, honest stand-in for the engine: {@code initialize}, {@code ping}, {@code tools/call} of the tool
 * {@code echo} (answers its arguments as text), {@code flood} (sends {@code count} notifications of {@code size}
 * bytes before its result) and {@code slow} (answers after {@code millis}). A frame that does not parse is
 * answered with -32700, as the engine does.
 */
final class TestEndpoint implements McpServerEndpoint {

    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, TestSession> sessions = new ConcurrentHashMap<>();
    final List<TestSession> opened = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);

    TestEndpoint() {
        // Its one thread exists from the start, so thread counts taken in tests do not see it appear.
        ((java.util.concurrent.ThreadPoolExecutor) timer).prestartAllCoreThreads();
    }

    record Parsed(List<JsonNode> messages, boolean isBatch, byte[] error) implements Inbound {
        @Override
        public boolean isInitialize() {
            return messages.stream().anyMatch(m -> "initialize".equals(m.path("method").asText()));
        }

        @Override
        public boolean hasRequests() {
            return messages.stream().anyMatch(m -> m.has("method") && m.has("id"));
        }

        @Override
        public Optional<byte[]> errorResponse() {
            return Optional.ofNullable(error);
        }
    }

    @Override
    public Inbound parse(byte[] frame) {
        try {
            JsonNode node = JSON.readTree(frame);
            if (node == null || !(node.isObject() || node.isArray())) {
                throw new IllegalArgumentException("not a message");
            }
            List<JsonNode> messages = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(messages::add);
            } else {
                messages.add(node);
            }
            return new Parsed(messages, node.isArray(), null);
        } catch (Exception e) {
            return new Parsed(List.of(), false,
                    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}"
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public ServerSession open(TransportInfo transport, MessageChannel standalone) {
        TestSession s = new TestSession(UUID.randomUUID().toString(), transport, standalone);
        sessions.put(s.id, s);
        opened.add(s);
        return s;
    }

    @Override
    public Optional<ServerSession> find(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    void shutdown() {
        timer.shutdownNow();
    }

    final class TestSession implements ServerSession {
        final String id;
        final TransportInfo transport;
        final MessageChannel standalone;
        volatile String version;
        volatile boolean closed;

        TestSession(String id, TransportInfo transport, MessageChannel standalone) {
            this.id = id;
            this.transport = transport;
            this.standalone = standalone;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String protocolVersion() {
            return version;
        }

        @Override
        public boolean initialized() {
            return version != null;
        }

        @Override
        public CompletionStage<Void> receive(Inbound frame, MessageChannel related) {
            Parsed parsed = (Parsed) frame;
            if (parsed.error != null) {
                related.send(parsed.error, MessageKind.RESPONSE);
                return CompletableFuture.completedFuture(null);
            }
            List<CompletableFuture<Void>> owed = new ArrayList<>();
            for (JsonNode m : parsed.messages) {
                if (m.has("method") && m.has("id")) {
                    owed.add(request(m, related));
                }
            }
            return CompletableFuture.allOf(owed.toArray(CompletableFuture[]::new));
        }

        private CompletableFuture<Void> request(JsonNode m, MessageChannel related) {
            JsonNode id = m.get("id");
            JsonNode params = m.has("params") ? m.get("params") : JSON.createObjectNode();
            CompletableFuture<Void> done = new CompletableFuture<>();
            switch (m.path("method").asText()) {
                case "initialize" -> {
                    version = params.path("protocolVersion").asText("2025-11-25");
                    ObjectNode result = JSON.createObjectNode().put("protocolVersion", version);
                    result.putObject("serverInfo").put("name", "test");
                    result.putObject("capabilities").putObject("tools");
                    respond(related, id, result, done);
                }
                case "ping" -> respond(related, id, JSON.createObjectNode(), done);
                case "tools/call" -> {
                    if (!"echo".equals(params.path("name").asText())) {
                        error(related, id, -32602, "Unknown tool", done);
                        break;
                    }
                    ObjectNode result = JSON.createObjectNode();
                    result.putArray("content").addObject().put("type", "text")
                            .put("text", params.path("arguments").toString());
                    respond(related, id, result, done);
                }
                case "flood" -> {
                    int count = params.path("count").asInt();
                    String pad = "x".repeat(params.path("size").asInt());
                    for (int i = 0; i < count && related.isOpen(); i++) {
                        ObjectNode note = JSON.createObjectNode().put("jsonrpc", "2.0").put("method",
                                "notifications/message");
                        note.putObject("params").put("level", "info").put("data", pad).put("n", i);
                        related.send(bytes(note), MessageKind.NOTIFICATION);
                    }
                    respond(related, id, JSON.createObjectNode().put("sent", count), done);
                }
                case "slow" -> timer.schedule(() -> respond(related, id, JSON.createObjectNode().put("slow", true),
                        done), params.path("millis").asLong(100), TimeUnit.MILLISECONDS);
                default -> error(related, id, -32601, "Method not found", done);
            }
            return done;
        }

        private void error(MessageChannel related, JsonNode id, int code, String message,
                CompletableFuture<Void> done) {
            ObjectNode error = JSON.createObjectNode().put("jsonrpc", "2.0");
            error.set("id", id);
            error.putObject("error").put("code", code).put("message", message);
            related.send(bytes(error), MessageKind.RESPONSE);
            done.complete(null);
        }

        private void respond(MessageChannel related, JsonNode id, JsonNode result, CompletableFuture<Void> done) {
            ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
            response.set("id", id);
            response.set("result", result);
            related.send(bytes(response), MessageKind.RESPONSE);
            done.complete(null);
        }

        @Override
        public MessageChannel attachStandalone(MessageChannel channel) {
            return standalone;
        }

        @Override
        public void detachStandalone(MessageChannel channel) {
        }

        @Override
        public void close() {
            closed = true;
            sessions.remove(id);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
