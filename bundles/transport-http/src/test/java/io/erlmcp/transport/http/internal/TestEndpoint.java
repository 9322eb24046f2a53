// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
 * A small, honest stand-in for the engine in core: it parses JSON-RPC with Jackson and answers
 * {@code initialize}, {@code ping}, {@code echo} (result = params), {@code slow} (a progress notification, then
 * the response after {@code delayMs}), {@code sleep} (only the response, after {@code delayMs}) and
 * {@code notify} (a {@code notifications/message} on the standalone channel, then the response), {@code drop}
 * (nothing, like a cancelled request) and {@code fail} (a failed stage). Other methods get -32601.
 */
final class TestEndpoint implements McpServerEndpoint, AutoCloseable {

    static final Set<String> VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    final ObjectMapper mapper = new ObjectMapper();
    final Map<String, TestSession> sessions = new ConcurrentHashMap<>();
    final List<TransportInfo> opened = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final SecureRandom random = new SecureRandom();

    @Override
    public Inbound parse(byte[] frame) {
        JsonNode node;
        try {
            node = mapper.readTree(frame);
        } catch (IOException e) {
            return TestInbound.error(error(null, -32700, "Parse error"));
        }
        if (node == null || !(node.isObject() || node.isArray()) || node.isArray() && node.isEmpty()) {
            return TestInbound.error(error(null, -32600, "Invalid Request"));
        }
        List<ObjectNode> messages = new ArrayList<>();
        for (JsonNode m : node.isArray() ? node : List.of(node)) {
            if (!m.isObject() || !"2.0".equals(m.path("jsonrpc").asText())) {
                return TestInbound.error(error(null, -32600, "Invalid Request"));
            }
            messages.add((ObjectNode) m);
        }
        return new TestInbound(messages, node.isArray(), null);
    }

    @Override
    public ServerSession open(TransportInfo transport, MessageChannel standalone) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        TestSession session = new TestSession(HexFormat.of().formatHex(id), standalone);
        sessions.put(session.id(), session);
        opened.add(transport);
        return session;
    }

    @Override
    public Optional<ServerSession> find(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    byte[] error(JsonNode id, int code, String message) {
        ObjectNode e = mapper.createObjectNode().put("jsonrpc", "2.0");
        e.set("id", id);
        e.putObject("error").put("code", code).put("message", message);
        return bytes(e);
    }

    byte[] result(JsonNode id, JsonNode result) {
        ObjectNode r = mapper.createObjectNode().put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return bytes(r);
    }

    byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record TestInbound(List<ObjectNode> messages, boolean isBatch, byte[] error) implements Inbound {

        static TestInbound error(byte[] error) {
            return new TestInbound(List.of(), false, error);
        }

        @Override
        public boolean isInitialize() {
            return messages.stream().anyMatch(m -> "initialize".equals(m.path("method").asText()) && m.has("id"));
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

    final class TestSession implements ServerSession {

        private final String id;
        private final AtomicReference<MessageChannel> standalone;
        private volatile String version;
        private volatile boolean closed;
        final List<String> notifications = new CopyOnWriteArrayList<>();

        TestSession(String id, MessageChannel standalone) {
            this.id = id;
            this.standalone = new AtomicReference<>(standalone);
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

        MessageChannel standalone() {
            return standalone.get();
        }

        @Override
        public CompletionStage<Void> receive(Inbound frame, MessageChannel related) {
            TestInbound in = (TestInbound) frame;
            if (in.error() != null) {
                related.send(in.error(), MessageKind.RESPONSE);
                return CompletableFuture.completedFuture(null);
            }
            List<CompletableFuture<Void>> owed = new ArrayList<>();
            for (ObjectNode m : in.messages()) {
                if (m.has("method") && m.has("id")) {
                    owed.add(request(m, related));
                } else if (m.has("method")) {
                    notifications.add(m.path("method").asText());
                }
            }
            return CompletableFuture.allOf(owed.toArray(CompletableFuture[]::new));
        }

        private CompletableFuture<Void> request(ObjectNode m, MessageChannel related) {
            JsonNode id = m.get("id");
            JsonNode params = m.path("params");
            long delay = params.path("delayMs").asLong(100);
            switch (m.path("method").asText()) {
                case "initialize" -> {
                    String asked = params.path("protocolVersion").asText();
                    version = VERSIONS.contains(asked) ? asked : "2025-11-25";
                    ObjectNode r = mapper.createObjectNode().put("protocolVersion", version);
                    r.putObject("capabilities");
                    r.putObject("serverInfo").put("name", "test").put("version", "1");
                    related.send(result(id, r), MessageKind.RESPONSE);
                }
                case "ping" -> related.send(result(id, mapper.createObjectNode()), MessageKind.RESPONSE);
                case "echo" -> related.send(result(id, params), MessageKind.RESPONSE);
                case "notify" -> {
                    MessageChannel channel = standalone.get();
                    boolean sent = channel != null && channel.isOpen();
                    if (sent) {
                        ObjectNode n = mapper.createObjectNode().put("jsonrpc", "2.0")
                                .put("method", "notifications/message");
                        n.putObject("params").put("level", "info").put("data", params.path("text").asText());
                        channel.send(bytes(n), MessageKind.NOTIFICATION);
                    }
                    related.send(result(id, mapper.createObjectNode().put("sent", sent)), MessageKind.RESPONSE);
                }
                case "slow", "sleep" -> {
                    if (m.path("method").asText().equals("slow")) {
                        ObjectNode n = mapper.createObjectNode().put("jsonrpc", "2.0")
                                .put("method", "notifications/progress");
                        n.putObject("params").put("progressToken", "t").put("progress", 1).put("total", 2);
                        related.send(bytes(n), MessageKind.NOTIFICATION);
                    }
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    timer.schedule(() -> {
                        related.send(result(id, mapper.createObjectNode().put("done", true)), MessageKind.RESPONSE);
                        done.complete(null);
                    }, delay, TimeUnit.MILLISECONDS);
                    return done;
                }
                case "drop" -> {
                    // answers nothing, as the engine does for a request the client cancelled
                }
                case "fail" -> {
                    return CompletableFuture.failedFuture(new IllegalStateException("engine failure"));
                }
                default -> related.send(error(id, -32601, "Method not found"), MessageKind.RESPONSE);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public MessageChannel attachStandalone(MessageChannel channel) {
            return standalone.getAndSet(channel);
        }

        @Override
        public void detachStandalone(MessageChannel channel) {
            standalone.compareAndSet(channel, null);
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

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
