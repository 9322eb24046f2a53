// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * A small, honest stand-in for the engine (adapted from the one in mcp-http's tests): it answers
 * {@code initialize}, {@code ping} and {@code tools/call} of the tool {@code echo} (the result's text is the
 * {@code text} argument); {@code notify} sends a notification on the standalone channel and answers;
 * {@code flood} sends {@code count} notifications at once. Records the transport info of every open.
 */
final class TestEndpoint implements McpServerEndpoint {

    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, TestSession> sessions = new ConcurrentHashMap<>();
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final SecureRandom random = new SecureRandom();

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

    /** Sends a notification on the standalone channel from inside {@code open}, before the id is known. */
    volatile boolean greetOnOpen;
    final List<TransportInfo> opened = new CopyOnWriteArrayList<>();

    @Override
    public ServerSession open(TransportInfo transport, MessageChannel standalone) {
        opened.add(transport);
        byte[] id = new byte[16];
        random.nextBytes(id);
        TestSession s = new TestSession(HexFormat.of().formatHex(id), standalone);
        sessions.put(s.id, s);
        if (greetOnOpen && standalone != null) {
            standalone.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"hello\"}}"
                    .getBytes(StandardCharsets.UTF_8), MessageKind.NOTIFICATION);
        }
        return s;
    }

    @Override
    public Optional<ServerSession> find(String sessionId) {
        TestSession s = sessions.get(sessionId);
        return s == null || s.closed ? Optional.empty() : Optional.of(s);
    }

    void shutdown() {
        timer.shutdownNow();
    }

    final class TestSession implements ServerSession {
        final String id;
        volatile String version;
        volatile MessageChannel standalone;
        volatile boolean closed;

        TestSession(String id, MessageChannel standalone) {
            this.id = id;
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
            ObjectNode params = m.has("params") ? (ObjectNode) m.get("params") : JSON.createObjectNode();
            CompletableFuture<Void> done = new CompletableFuture<>();
            switch (m.path("method").asText()) {
                case "initialize" -> {
                    version = params.path("protocolVersion").asText("2025-11-25");
                    ObjectNode result = JSON.createObjectNode().put("protocolVersion", version);
                    result.putObject("serverInfo").put("name", "test");
                    respond(related, id, result, done);
                }
                case "ping" -> respond(related, id, JSON.createObjectNode(), done);
                case "tools/call" -> {
                    if ("echo".equals(params.path("name").asText())) {
                        ObjectNode result = JSON.createObjectNode();
                        result.putArray("content").addObject().put("type", "text")
                                .put("text", params.path("arguments").path("text").asText());
                        respond(related, id, result, done);
                    } else {
                        ObjectNode error = JSON.createObjectNode().put("jsonrpc", "2.0");
                        error.set("id", id);
                        error.putObject("error").put("code", -32602).put("message", "Unknown tool");
                        related.send(bytes(error), MessageKind.RESPONSE);
                        done.complete(null);
                    }
                }
                case "tools/list" -> {
                    ObjectNode result = JSON.createObjectNode();
                    ObjectNode tool = result.putArray("tools").addObject().put("name", "echo");
                    tool.putObject("inputSchema").put("type", "object");
                    respond(related, id, result, done);
                }
                case "flood" -> {
                    for (int i = 0; i < params.path("count").asInt(); i++) {
                        ObjectNode note = JSON.createObjectNode().put("jsonrpc", "2.0")
                                .put("method", "notifications/message");
                        note.putObject("params").put("level", "info").put("data", "x".repeat(1000));
                        related.send(bytes(note), MessageKind.NOTIFICATION);
                    }
                    respond(related, id, JSON.createObjectNode(), done);
                }
                case "notify" -> {
                    MessageChannel s = standalone;
                    if (s != null) {
                        ObjectNode note = JSON.createObjectNode().put("jsonrpc", "2.0")
                                .put("method", "notifications/tools/list_changed");
                        s.send(bytes(note), MessageKind.NOTIFICATION);
                    }
                    respond(related, id, JSON.createObjectNode().put("notified", s != null), done);
                }
                default -> {
                    ObjectNode error = JSON.createObjectNode().put("jsonrpc", "2.0");
                    error.set("id", id);
                    error.putObject("error").put("code", -32601).put("message", "Method not found");
                    related.send(bytes(error), MessageKind.RESPONSE);
                    done.complete(null);
                }
            }
            return done;
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
            MessageChannel old = standalone;
            standalone = channel;
            return old;
        }

        @Override
        public void detachStandalone(MessageChannel channel) {
            if (standalone == channel) {
                standalone = null;
            }
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

    static ArrayNode array() {
        return JSON.createArrayNode();
    }
}
