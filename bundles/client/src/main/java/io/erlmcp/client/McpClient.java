// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.client.internal.JsonRpcPeer;
import io.erlmcp.client.internal.Reconnector;

/**
 * An MCP client session over one {@link ClientTransport}. Build it with {@link #builder(ClientTransport)}, call
 * {@link #initialize()}, then the MCP methods; results are the JSON {@code result} objects of the specification.
 * Failed requests throw {@link McpException}. Thread-safe; {@link #close()} ends the session.
 */
public final class McpClient implements AutoCloseable {

    /** The protocol version the client asks for. */
    public static final String LATEST_PROTOCOL_VERSION = "2025-11-25";

    /** The versions the client accepts when the server answers with another one. */
    public static final List<String> SUPPORTED_PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18",
            "2025-03-26", "2024-11-05");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ClientTransport transport;
    private final ObjectNode clientInfo;
    private final ObjectNode capabilities;
    private final JsonRpcPeer peer;
    private final List<NotificationListener> listeners;
    private volatile JsonNode initializeResult;
    private volatile boolean closed;
    private final Reconnector reconnector;

    private McpClient(Builder b) {
        this.transport = b.transport;
        this.clientInfo = NODES.objectNode().put("name", b.name).put("version", b.version);
        this.capabilities = b.capabilities.deepCopy();
        Map<String, RequestHandler> handlers = new HashMap<>();
        if (b.sampling != null) {
            handlers.put("sampling/createMessage", b.sampling);
            capabilities.putObject("sampling");
        }
        if (b.elicitation != null) {
            handlers.put("elicitation/create", b.elicitation);
            capabilities.putObject("elicitation").putObject("form");
        }
        if (b.roots != null) {
            handlers.put("roots/list", b.roots);
            capabilities.putObject("roots").put("listChanged", true);
        }
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.peer = new JsonRpcPeer(transport, b.timeout, handlers, this::deliver);
        if (b.reconnect != null && !transport.reconnectable()) {
            throw new IllegalArgumentException("this transport cannot reconnect: " + transport.getClass().getName());
        }
        this.reconnector = new Reconnector(b.reconnect, List.copyOf(b.connectionListeners), this::reopen);
    }

    public static Builder builder(ClientTransport transport) {
        return new Builder(transport);
    }

    /**
     * Opens the transport and runs the initialize handshake (asking for {@value #LATEST_PROTOCOL_VERSION}, accepting
     * any of {@link #SUPPORTED_PROTOCOL_VERSIONS}), then sends notifications/initialized. Returns the server's
     * InitializeResult.
     */
    public JsonNode initialize() {
        open();
        return handshake();
    }

    private void open() {
        try {
            transport.start(peer::receive, this::connectionLost);
        } catch (IOException e) {
            throw new McpException("cannot open the transport: " + e.getMessage(), e);
        }
    }

    /** The transport ended on its own: fail what waits, tell the listeners, reconnect if asked to. */
    private void connectionLost(String reason) {
        if (!closed && initializeResult != null) {
            peer.refuseRequests("connection lost: " + reason); // until a reconnect's initialize succeeds
        }
        peer.failAll("connection lost: " + reason);
        if (!closed && initializeResult != null) {
            reconnector.lost(reason);
        }
    }

    /** A reconnect attempt: a new connection, and initialize again (a new session). */
    private void reopen() {
        if (closed) {
            throw new McpException("client closed", null);
        }
        open();
        handshake();
        peer.acceptRequests();
    }

    private JsonNode handshake() {
        ObjectNode params = NODES.objectNode().put("protocolVersion", LATEST_PROTOCOL_VERSION);
        params.set("capabilities", capabilities);
        params.set("clientInfo", clientInfo);
        JsonNode result = peer.request("initialize", params);
        String version = result.path("protocolVersion").asText();
        if (!SUPPORTED_PROTOCOL_VERSIONS.contains(version)) {
            close();
            throw new McpException(-32602, "unsupported protocol version from the server: " + version, result);
        }
        initializeResult = result;
        transport.protocolVersion(version);
        peer.notify("notifications/initialized", null);
        transport.initialized();
        return result;
    }

    /** The server's InitializeResult, or null before {@link #initialize()}. */
    public JsonNode initializeResult() {
        return initializeResult;
    }

    /** The negotiated protocol version, or null before {@link #initialize()}. */
    public String protocolVersion() {
        JsonNode r = initializeResult;
        return r == null ? null : r.path("protocolVersion").asText();
    }

    /** The server's capabilities, or a missing node before {@link #initialize()}. */
    public JsonNode serverCapabilities() {
        JsonNode r = initializeResult;
        return r == null ? NODES.missingNode() : r.path("capabilities");
    }

    public void ping() {
        peer.request("ping", null);
    }

    /** All tools, following nextCursor through every page. */
    public List<JsonNode> listTools() {
        return listAll("tools/list", "tools");
    }

    /** Calls a tool; {@code argumentsJson} is a JSON object (null for none). Returns the CallToolResult. */
    public JsonNode callTool(String name, String argumentsJson) {
        return callTool(name, argumentsJson == null ? null : parse(argumentsJson));
    }

    /**
     * Calls a tool with a progress token, so progress notifications for it reach the listeners (their params carry
     * the token, the request id as a number).
     */
    public JsonNode callTool(String name, JsonNode arguments) {
        return peer.requestWithId("tools/call", id -> toolCallParams(name, arguments, id));
    }

    /**
     * Calls a tool without waiting, with a progress token like {@link #callTool(String, JsonNode)}. The future
     * completes with the CallToolResult, with an {@link McpException}, or with a
     * {@link java.util.concurrent.TimeoutException} after the request timeout. Cancelling the future sends
     * {@code notifications/cancelled} (reason "cancelled by the client") to the server, and an answer that still
     * arrives is dropped.
     */
    public CompletableFuture<JsonNode> callToolAsync(String name, JsonNode arguments) {
        return peer.requestAsync("tools/call", id -> toolCallParams(name, arguments, id));
    }

    /**
     * Any request, without waiting; the future behaves as {@link #callToolAsync}'s: cancelling it cancels the
     * request on the server.
     */
    public CompletableFuture<JsonNode> requestAsync(String method, JsonNode params) {
        return peer.requestAsync(method, id -> params);
    }

    private static ObjectNode toolCallParams(String name, JsonNode arguments, long id) {
        ObjectNode params = NODES.objectNode().put("name", name);
        if (arguments != null) {
            params.set("arguments", arguments);
        }
        params.putObject("_meta").put("progressToken", id);
        return params;
    }

    /** All resources, following nextCursor. */
    public List<JsonNode> listResources() {
        return listAll("resources/list", "resources");
    }

    /** All resource templates, following nextCursor. */
    public List<JsonNode> listResourceTemplates() {
        return listAll("resources/templates/list", "resourceTemplates");
    }

    /** Returns the ReadResourceResult. */
    public JsonNode readResource(String uri) {
        return peer.request("resources/read", NODES.objectNode().put("uri", uri));
    }

    public void subscribe(String uri) {
        peer.request("resources/subscribe", NODES.objectNode().put("uri", uri));
    }

    public void unsubscribe(String uri) {
        peer.request("resources/unsubscribe", NODES.objectNode().put("uri", uri));
    }

    /** All prompts, following nextCursor. */
    public List<JsonNode> listPrompts() {
        return listAll("prompts/list", "prompts");
    }

    /** Returns the GetPromptResult; {@code arguments} may be null. */
    public JsonNode getPrompt(String name, Map<String, String> arguments) {
        ObjectNode params = NODES.objectNode().put("name", name);
        if (arguments != null) {
            ObjectNode args = params.putObject("arguments");
            arguments.forEach(args::put);
        }
        return peer.request("prompts/get", params);
    }

    /**
     * completion/complete; {@code ref} is {@code {"type":"ref/prompt","name":...}} or
     * {@code {"type":"ref/resource","uri":...}}. Returns the CompleteResult.
     */
    public JsonNode complete(JsonNode ref, String argumentName, String argumentValue) {
        ObjectNode params = NODES.objectNode();
        params.set("ref", ref);
        params.putObject("argument").put("name", argumentName).put("value", argumentValue);
        return peer.request("completion/complete", params);
    }

    /** logging/setLevel: debug, info, notice, warning, error, critical, alert or emergency. */
    public void setLoggingLevel(String level) {
        peer.request("logging/setLevel", NODES.objectNode().put("level", level));
    }

    /** Tells the server the roots changed (the client declares roots.listChanged when it has a roots handler). */
    public void notifyRootsListChanged() {
        peer.notify("notifications/roots/list_changed", null);
    }

    /** Any request, for methods this class has no shortcut for; returns its result. */
    public JsonNode request(String method, JsonNode params) {
        return peer.request(method, params);
    }

    /** Any notification. */
    public void notify(String method, JsonNode params) {
        peer.notify(method, params);
    }

    public void addNotificationListener(NotificationListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeNotificationListener(NotificationListener listener) {
        listeners.remove(listener);
    }

    /** Ends the session (for HTTP, a DELETE of the session) and fails the requests still waiting. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reconnector.stop();
        peer.close();
        transport.close();
    }

    private List<JsonNode> listAll(String method, String field) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            ObjectNode params = NODES.objectNode();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonNode page = peer.request(method, params);
            page.path(field).forEach(all::add);
            JsonNode next = page.get("nextCursor");
            String nextCursor = next == null || next.isNull() ? null : next.asText();
            if (nextCursor != null && nextCursor.equals(cursor)) {
                throw new McpException(-32603, method + ": the server repeated cursor " + cursor, page);
            }
            cursor = nextCursor;
        } while (cursor != null);
        return all;
    }

    private void deliver(String method, JsonNode params) {
        for (NotificationListener listener : listeners) {
            try {
                listener.onNotification(method, params);
            } catch (RuntimeException e) {
                // A listener's failure must not stop the transport's reader.
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JsonRpcPeer.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    /** Builds a {@link McpClient}. */
    public static final class Builder {
        private final ClientTransport transport;
        private String name = "erlmcp-client";
        private String version = "0.1.0";
        private ObjectNode capabilities = NODES.objectNode();
        private Duration timeout = Duration.ofSeconds(30);
        private RequestHandler sampling;
        private RequestHandler elicitation;
        private RequestHandler roots;
        private final List<NotificationListener> listeners = new ArrayList<>();
        private Reconnector.Policy reconnect;
        private final List<ConnectionListener> connectionListeners = new ArrayList<>();

        private Builder(ClientTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /** The clientInfo sent with initialize. */
        public Builder clientInfo(String name, String version) {
            this.name = Objects.requireNonNull(name);
            this.version = Objects.requireNonNull(version);
            return this;
        }

        /** Extra capabilities (say, experimental); sampling, elicitation and roots are added for their handlers. */
        public Builder capabilities(ObjectNode capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities);
            return this;
        }

        /** How long a request waits for its answer (30 s unless set). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder notificationListener(NotificationListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /** Answers sampling/createMessage; declares the sampling capability. */
        public Builder samplingHandler(RequestHandler handler) {
            this.sampling = handler;
            return this;
        }

        /** Answers elicitation/create; declares the elicitation capability (form mode). */
        public Builder elicitationHandler(RequestHandler handler) {
            this.elicitation = handler;
            return this;
        }

        /** Answers roots/list; declares the roots capability with listChanged. */
        public Builder rootsHandler(RequestHandler handler) {
            this.roots = handler;
            return this;
        }

        /**
         * Reconnects when a connection-per-session transport (TCP, WebSocket, legacy HTTP+SSE) ends unexpectedly
         * after {@link McpClient#initialize()}: requests in flight fail at once with "connection lost", then
         * attempt {@code n} waits a random time between half and all of {@code min(max, initial * 2^(n-1))},
         * reopens the transport and runs initialize again. That is a <b>new session</b>: subscriptions, the logging
         * level and other server-side state of the old one are gone, and requests made while reconnecting fail.
         * After {@code maxAttempts} failed attempts the client stays disconnected. {@link ConnectionListener}s hear
         * every step. Off unless set; {@link #build()} refuses it for transports that cannot reconnect.
         */
        public Builder reconnect(Duration initial, Duration max, int maxAttempts) {
            this.reconnect = new Reconnector.Policy(initial, max, maxAttempts);
            return this;
        }

        /** Hears when the connection is lost and about each reconnect attempt. */
        public Builder connectionListener(ConnectionListener listener) {
            connectionListeners.add(Objects.requireNonNull(listener));
            return this;
        }

        public McpClient build() {
            return new McpClient(this);
        }
    }
}
