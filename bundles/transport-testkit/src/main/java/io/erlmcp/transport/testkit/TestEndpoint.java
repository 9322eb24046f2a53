// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.testkit;

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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * A small, honest stand-in for the MCP engine, shared by the transport modules' tests (Streamable HTTP, legacy
 * SSE, WebSocket, TCP). It keeps the {@link McpServerEndpoint} contract the way the engine does: every frame is
 * parsed without acting on it, a frame that does not parse is answered with -32700, every response owed for a
 * frame is sent on {@code related} before the stage of {@link ServerSession#receive} completes, and session ids
 * are 128 bits from {@link SecureRandom}, in hex.
 *
 * <p>Requests it answers (notifications and responses from the client are accepted and ignored):
 * <ul>
 * <li>{@code initialize}: agrees the client's {@code protocolVersion} (default 2025-11-25) and announces tools;
 * <li>{@code ping}: an empty result;
 * <li>{@code echo}: its params as the result;
 * <li>{@code tools/list}: one tool, {@code echo};
 * <li>{@code tools/call} of {@code echo}: one text content, the {@code text} argument (the arguments as JSON when
 * there is none); any other tool is -32602;
 * <li>{@code slow}: a {@code notifications/progress} on {@code related} at once, then the result
 * {@code {"slow":true}} after {@code millis} (default 100);
 * <li>{@code end_session}: the result {@code {"ending":true}}, then {@link TestSession#terminate()} on the thread
 * that delivered the request;
 * <li>{@code reconnect}: {@link MessageChannel#closeStream()} on {@code related}, then the result
 * {@code {"reconnected":true}} after 300 ms (transports without resumable streams ignore the close);
 * <li>{@code notify}: a {@code notifications/tools/list_changed} on the session's standalone channel, then the
 * result {@code {"notified":<whether there was one>}};
 * <li>{@code flood}: {@code count} {@code notifications/message} of {@code size} (default 1000) bytes of padding
 * on {@code related}, stopping early once it is no longer open, then {@code {"sent":count}};
 * <li>anything else: -32601.
 * </ul>
 *
 * <p>What tests look at is public: {@link #sessions} (the open ones, by id), {@link #opened} (every session ever
 * opened, in order, with its {@link TestSession#transport} and the {@link TestSession#standalone} it was opened
 * with), and {@link #greetOnOpen}. Call {@link #shutdown()} when done: it stops the timer thread.
 */
public class TestEndpoint implements McpServerEndpoint {

    /**
     * @return an {@code initialize} request with id 1 for {@code protocolVersion}, from a client named {@code t}, as
     *         the transport tests send it
     */
    public static String initializeRequest(String protocolVersion) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + protocolVersion + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    }

    /**
     * @return a {@code notifications/message} numbered {@code n} in its params, with {@code size} bytes of padding,
     *         as a session would send it on a channel
     */
    public static byte[] numberedNotification(int n, int size) {
        return ("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"n\":" + n
                + ",\"data\":\"" + "x".repeat(size) + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The mapper the stand-in uses; tests may use it to read what the transport sent. */
    public static final ObjectMapper JSON = new ObjectMapper();

    /** The open sessions, by id; {@link TestSession#close()} removes one. */
    public final Map<String, TestSession> sessions = new ConcurrentHashMap<>();

    /** Every session opened, in order, closed ones included. */
    public final List<TestSession> opened = new CopyOnWriteArrayList<>();

    /**
     * When set, {@link #open} sends a {@code notifications/message} ("hello") on the standalone channel from inside
     * {@code open}, before the transport knows the session id: transports must cope with that.
     */
    public volatile boolean greetOnOpen;

    /** Runs the delayed answers of {@code slow} and {@code reconnect}. */
    protected final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(2);

    private final SecureRandom random = new SecureRandom();

    public TestEndpoint() {
        // Its threads exist from the start, so thread counts taken in tests do not see them appear.
        timer.prestartAllCoreThreads();
    }

    /** A parsed frame: its messages, whether it was a batch, and the error to answer when it did not parse. */
    public record Parsed(List<JsonNode> messages, boolean isBatch, byte[] error) implements Inbound {
        @Override
        public boolean isInitialize() {
            return messages.stream().anyMatch(m -> "initialize".equals(m.path("method").asText()));
        }

        @Override
        public boolean hasRequests() {
            return messages.stream().anyMatch(TestEndpoint::isRequest);
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
        byte[] id = new byte[16];
        random.nextBytes(id);
        TestSession s = new TestSession(HexFormat.of().formatHex(id), transport, standalone);
        sessions.put(s.id, s);
        opened.add(s);
        if (greetOnOpen && standalone != null) {
            ObjectNode hello = notification("notifications/message");
            hello.putObject("params").put("level", "info").put("data", "hello");
            standalone.send(bytes(hello), MessageKind.NOTIFICATION);
        }
        return s;
    }

    @Override
    public Optional<ServerSession> find(String sessionId) {
        TestSession s = sessions.get(sessionId);
        return s == null || s.closed ? Optional.empty() : Optional.of(s);
    }

    /** Stops the timer; delayed answers not yet sent are dropped. */
    public void shutdown() {
        timer.shutdownNow();
    }

    /** A session of the stand-in. */
    public class TestSession implements ServerSession {
        public final String id;
        /** What the transport said about the connection in {@code open}. */
        public final TransportInfo transport;
        /** The current standalone channel: the one given to {@code open} until the transport attaches another. */
        public volatile MessageChannel standalone;
        public volatile String version;
        public volatile boolean closed;
        /** Calls of {@link #close()}: by the transport (or a test), not by {@link #terminate()}. */
        public final AtomicInteger closeCalls = new AtomicInteger();

        protected TestSession(String id, TransportInfo transport, MessageChannel standalone) {
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
            if (parsed.error() != null) {
                related.send(parsed.error(), MessageKind.RESPONSE);
                return CompletableFuture.completedFuture(null);
            }
            List<CompletableFuture<Void>> owed = new ArrayList<>();
            for (JsonNode m : parsed.messages()) {
                if (isRequest(m)) {
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
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "test");
                    respond(related, id, result, done);
                }
                case "ping" -> respond(related, id, JSON.createObjectNode(), done);
                case "echo" -> respond(related, id, params, done);
                case "tools/list" -> {
                    ObjectNode result = JSON.createObjectNode();
                    ObjectNode tool = result.putArray("tools").addObject().put("name", "echo");
                    tool.putObject("inputSchema").put("type", "object");
                    respond(related, id, result, done);
                }
                case "tools/call" -> {
                    if (!"echo".equals(params.path("name").asText())) {
                        error(related, id, -32602, "Unknown tool", done);
                        break;
                    }
                    JsonNode arguments = params.path("arguments");
                    String text = arguments.has("text") ? arguments.path("text").asText() : arguments.toString();
                    ObjectNode result = JSON.createObjectNode();
                    result.putArray("content").addObject().put("type", "text").put("text", text);
                    respond(related, id, result, done);
                }
                case "slow" -> {
                    ObjectNode progress = notification("notifications/progress");
                    progress.putObject("params").put("progressToken", "t").put("progress", 1);
                    related.send(bytes(progress), MessageKind.NOTIFICATION);
                    later(params.path("millis").asLong(100),
                            () -> respond(related, id, JSON.createObjectNode().put("slow", true), done));
                }
                case "end_session" -> {
                    respond(related, id, JSON.createObjectNode().put("ending", true), done);
                    terminate();
                }
                case "reconnect" -> {
                    related.closeStream();
                    later(300, () -> respond(related, id, JSON.createObjectNode().put("reconnected", true), done));
                }
                case "notify" -> {
                    MessageChannel s = standalone;
                    if (s != null) {
                        s.send(bytes(notification("notifications/tools/list_changed")), MessageKind.NOTIFICATION);
                    }
                    respond(related, id, JSON.createObjectNode().put("notified", s != null), done);
                }
                case "flood" -> {
                    int count = params.path("count").asInt();
                    String pad = "x".repeat(params.path("size").asInt(1000));
                    for (int i = 0; i < count && related.isOpen(); i++) {
                        ObjectNode note = notification("notifications/message");
                        note.putObject("params").put("level", "info").put("data", pad).put("n", i);
                        related.send(bytes(note), MessageKind.NOTIFICATION);
                    }
                    respond(related, id, JSON.createObjectNode().put("sent", count), done);
                }
                default -> error(related, id, -32601, "Method not found", done);
            }
            return done;
        }

        private void later(long millis, Runnable answer) {
            timer.schedule(answer, millis, TimeUnit.MILLISECONDS);
        }

        private void respond(MessageChannel related, JsonNode id, JsonNode result, CompletableFuture<Void> done) {
            ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
            response.set("id", id);
            response.set("result", result);
            related.send(bytes(response), MessageKind.RESPONSE);
            done.complete(null);
        }

        private void error(MessageChannel related, JsonNode id, int code, String message,
                CompletableFuture<Void> done) {
            ObjectNode error = JSON.createObjectNode().put("jsonrpc", "2.0");
            error.set("id", id);
            error.putObject("error").put("code", code).put("message", message);
            related.send(bytes(error), MessageKind.RESPONSE);
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
            closeCalls.incrementAndGet();
            end();
        }

        private void end() {
            closed = true;
            sessions.remove(id);
        }

        /**
         * Ends the session from the server's side, as the engine does when an operator terminates it or it
         * expires: closes it, then tells the current standalone channel ({@link MessageChannel#sessionClosed()}).
         */
        public void terminate() {
            MessageChannel ch = standalone;
            end();
            if (ch != null) {
                ch.sessionClosed();
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    static boolean isRequest(JsonNode m) {
        return m.has("method") && m.has("id");
    }

    private static ObjectNode notification(String method) {
        return JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
    }

    /** @return {@code node} as UTF-8 JSON */
    public static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
