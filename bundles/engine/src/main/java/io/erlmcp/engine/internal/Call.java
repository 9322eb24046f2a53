// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.mcp.CreateMessageRequest;
import io.erlmcp.mcp.CreateMessageResult;
import io.erlmcp.mcp.ElicitRequest;
import io.erlmcp.mcp.ElicitResult;
import io.erlmcp.mcp.ErrorCodes;
import io.erlmcp.mcp.Implementation;
import io.erlmcp.mcp.LoggingLevel;
import io.erlmcp.mcp.McpContext;
import io.erlmcp.mcp.McpException;
import io.erlmcp.mcp.Role;
import io.erlmcp.mcp.Root;
import io.erlmcp.mcp.SamplingMessage;
import io.erlmcp.mcp.ToolCall;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;

/**
 * One running client request: the {@link McpContext} its handler sees and, for {@code tools/call}, the
 * {@link ToolCall}. Messages it sends go to the request's channel.
 */
final class Call implements McpContext, ToolCall {

    private static final Logger LOG = LoggerFactory.getLogger(Call.class);

    final Session session;
    final JsonNode id;
    final MessageChannel channel;
    private final JsonNode progressToken;
    private final JsonNode meta;
    private final List<Runnable> onCancel = new ArrayList<>();
    private volatile boolean cancelled;
    private volatile Future<?> task;
    /** The task this call runs for (a task-augmented {@code tools/call}), or {@code null}. */
    volatile TaskState taskState;

    // tools/call
    private final String toolName;
    final ObjectNode args;
    private volatile Map<String, Object> argMap;

    Call(Session session, JsonNode id, MessageChannel channel, JsonNode params, String toolName, ObjectNode args) {
        this.session = session;
        this.id = id;
        this.channel = channel;
        this.meta = params == null ? null : params.get("_meta");
        JsonNode token = meta == null ? null : meta.get("progressToken");
        this.progressToken = token != null && (token.isTextual() || token.isNumber()) ? token : null;
        this.toolName = toolName;
        this.args = args;
    }

    void task(Future<?> f) {
        this.task = f;
        if (cancelled) {
            f.cancel(true);
        }
    }

    /** Marks the request cancelled, runs the callbacks and interrupts the handler if it is still running. */
    void cancel(String reason) {
        List<Runnable> actions;
        synchronized (onCancel) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            actions = new ArrayList<>(onCancel);
            onCancel.clear();
        }
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("onCancel action failed", e);
            }
        }
        Future<?> f = task;
        if (f != null) {
            f.cancel(true);
        }
    }

    // ---- ToolCall

    @Override
    public String name() {
        return toolName;
    }

    @Override
    public String argumentsJson() {
        return Json.text(args);
    }

    @Override
    public Map<String, Object> arguments() {
        Map<String, Object> m = argMap;
        if (m == null) {
            m = Json.toMap(args);
            argMap = m;
        }
        return m;
    }

    @Override
    public String string(String key) {
        JsonNode v = args.get(key);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : Json.text(v);
    }

    @Override
    public String metaJson() {
        return meta == null ? null : Json.text(meta);
    }

    // ---- McpContext

    @Override
    public String sessionId() {
        return session.id;
    }

    @Override
    public String protocolVersion() {
        return session.version;
    }

    @Override
    public Implementation clientInfo() {
        return session.clientInfo();
    }

    @Override
    public boolean clientSupports(String capability) {
        return session.clientSupports(capability);
    }

    private void send(byte[] json, MessageKind kind) {
        if (cancelled) {
            return;
        }
        TaskState t = taskState;
        if (t != null) {
            sendForTask(t, json, kind);
            return;
        }
        MessageChannel ch = channel;
        if (!ch.isOpen()) {
            MessageChannel s = session.standalone();
            if (s != null && s.isOpen()) {
                ch = s;
            }
        }
        ch.send(json, kind);
    }

    /**
     * A task's messages carry its related-task {@code _meta} and go to a waiting {@code tasks/result} when there
     * is one, else to the session's standalone channel (the request that created the task was answered long ago).
     */
    private void sendForTask(TaskState t, byte[] json, MessageKind kind) {
        JsonNode msg = Json.tree(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        if (msg instanceof ObjectNode o) {
            JsonNode p = o.get("params");
            t.relate(p instanceof ObjectNode po ? po : o.putObject("params"));
            json = Json.bytes(g -> g.writeTree(o));
        }
        MessageChannel ch = t.resultChannel;
        if (ch == null || !ch.isOpen()) {
            ch = session.standalone();
        }
        if (ch == null || !ch.isOpen()) {
            ch = channel;
        }
        if (ch.isOpen()) {
            ch.send(json, kind);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Session {}: message of task {} dropped, no open channel", session.id, t.id);
        }
    }

    @Override
    public void progress(double progress, Double total, String message) {
        JsonNode token = progressToken;
        if (token == null) {
            return;
        }
        send(Rpc.notification("notifications/progress", g -> {
            g.writeStartObject();
            g.writeFieldName("progressToken");
            g.writeTree(token);
            number(g, "progress", progress);
            if (total != null) {
                number(g, "total", total);
            }
            Json.field(g, "message", message);
            g.writeEndObject();
        }), MessageKind.NOTIFICATION);
    }

    private static void number(com.fasterxml.jackson.core.JsonGenerator g, String name, double v)
            throws java.io.IOException {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumberField(name, (long) v);
        } else {
            g.writeNumberField(name, v);
        }
    }

    @Override
    public void log(LoggingLevel level, String logger, Object data) {
        LoggingLevel min = session.logLevel;
        if (min != null && level.compareTo(min) < 0) {
            return;
        }
        send(Rpc.notification("notifications/message", g -> {
            g.writeStartObject();
            g.writeStringField("level", level.wireName());
            Json.field(g, "logger", logger);
            g.writeFieldName("data");
            Json.any(g, data);
            g.writeEndObject();
        }), MessageKind.NOTIFICATION);
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (onCancel) {
            if (!cancelled) {
                onCancel.add(action);
                return;
            }
        }
        action.run();
    }

    /** Sends a request to the client; the stage completes with the result node. */
    CompletableFuture<JsonNode> clientRequest(String method, String capability, Json.Writer params) {
        if (capability != null && !session.clientSupports(capability)) {
            return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_REQUEST,
                    "The client did not declare the '" + capability + "' capability; cannot send " + method));
        }
        if (cancelled || session.isClosed()) {
            return CompletableFuture.failedFuture(new McpException(ErrorCodes.INTERNAL_ERROR,
                    "The request was cancelled; cannot send " + method));
        }
        String rid = session.nextRequestId();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        session.pending().put(rid, f);
        f.whenComplete((r, e) -> session.takePending(rid));
        f.orTimeout(session.engine.settings.clientRequestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        TaskState t = taskState;
        if (t != null) {
            t.inputRequested();
            f.whenComplete((r, e) -> t.inputReceived());
        }
        send(Rpc.request(rid, method, params), MessageKind.REQUEST);
        return f;
    }

    @Override
    public CompletionStage<CreateMessageResult> sample(CreateMessageRequest r) {
        return clientRequest("sampling/createMessage", "sampling", g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("messages");
            for (SamplingMessage m : r.messages()) {
                g.writeStartObject();
                g.writeStringField("role", m.role().wireName());
                g.writeFieldName("content");
                Json.content(g, m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            Json.field(g, "systemPrompt", r.systemPrompt());
            g.writeNumberField("maxTokens", r.maxTokens());
            if (r.temperature() != null) {
                g.writeNumberField("temperature", r.temperature());
            }
            if (r.stopSequences() != null) {
                g.writeArrayFieldStart("stopSequences");
                for (String s : r.stopSequences()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            Json.field(g, "includeContext", r.includeContext());
            Json.anyField(g, "modelPreferences", r.modelPreferences());
            Json.anyField(g, "metadata", r.metadata());
            g.writeEndObject();
        }).thenApply(n -> new CreateMessageResult(Role.fromWire(n.path("role").asText("assistant")),
                Json.readContent(n.get("content")), n.path("model").asText(null),
                n.hasNonNull("stopReason") ? n.get("stopReason").asText() : null));
    }

    @Override
    public CompletionStage<ElicitResult> elicit(ElicitRequest r) {
        boolean url = "url".equals(r.mode());
        if (url && !"2025-11-25".equals(session.version)) {
            return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_REQUEST,
                    "URL-mode elicitation needs protocol 2025-11-25; the session speaks " + session.version));
        }
        if (url) {
            if (!session.client.supportsElicitationUrl()) {
                return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_REQUEST,
                        "The client did not declare the 'elicitation.url' capability"));
            }
        }
        return clientRequest("elicitation/create", "elicitation", g -> {
            g.writeStartObject();
            if (url || "2025-11-25".equals(session.version) && !"form".equals(r.mode())) {
                g.writeStringField("mode", r.mode());
            }
            g.writeStringField("message", r.message());
            Json.rawField(g, "requestedSchema", r.requestedSchema());
            Json.field(g, "url", r.url());
            Json.field(g, "elicitationId", r.elicitationId());
            g.writeEndObject();
        }).thenApply(n -> {
            JsonNode content = n.get("content");
            return new ElicitResult(n.path("action").asText("cancel"), Json.toMap(content),
                    content == null || content.isNull() ? null : Json.text(content));
        });
    }

    @Override
    public CompletionStage<List<Root>> listRoots() {
        return clientRequest("roots/list", "roots", null).thenApply(n -> {
            List<Root> roots = new ArrayList<>();
            n.path("roots").forEach(r -> roots.add(new Root(r.path("uri").asText(),
                    r.hasNonNull("name") ? r.get("name").asText() : null)));
            return List.copyOf(roots);
        });
    }

    @Override
    public CompletionStage<Map<String, Object>> request(String method, Object params) {
        return clientRequest(method, null, params == null ? null : g -> Json.any(g, params))
                .thenApply(n -> n.isObject() ? Json.toMap(n) : Map.of());
    }

    @Override
    public void closeStream() {
        channel.closeStream();
    }
}
