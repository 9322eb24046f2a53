// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpException;
import io.erlmcp.client.RequestHandler;

/**
 * JSON-RPC 2.0 over a {@link ClientTransport}: numbers outgoing requests and matches answers to them, hands
 * notifications to a listener and answers the server's requests with the registered handlers.
 */
public final class JsonRpcPeer {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ClientTransport transport;
    private final Duration timeout;
    private final Map<String, RequestHandler> handlers;
    private final BiConsumer<String, JsonNode> notifications;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private volatile String refusing;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "erlmcp-client-handler");
        t.setDaemon(true);
        return t;
    });

    public JsonRpcPeer(ClientTransport transport, Duration timeout, Map<String, RequestHandler> handlers,
            BiConsumer<String, JsonNode> notifications) {
        this.transport = transport;
        this.timeout = timeout;
        this.handlers = Map.copyOf(handlers);
        this.notifications = notifications;
    }

    /** Sends a request and waits for its result; throws {@link McpException} on an error, timeout or I/O failure. */
    public JsonNode request(String method, JsonNode params) {
        return requestWithId(method, id -> params);
    }

    /** Like {@link #request(String, JsonNode)}, with params made from the request's id (for a progress token). */
    public JsonNode requestWithId(String method, LongFunction<JsonNode> params) {
        try {
            return requestAsync(method, params).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof McpException m) {
                throw m;
            }
            if (e.getCause() instanceof TimeoutException) {
                throw new McpException(method + " timed out after " + timeout.toMillis() + " ms", e.getCause());
            }
            throw new McpException(method + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Sends a request; the future completes with its result, an {@link McpException}, or a
     * {@link TimeoutException} after the request timeout. Cancelling it sends {@code notifications/cancelled} for
     * the request (except for initialize, which the spec says must not be cancelled); a late answer is dropped.
     */
    public CompletableFuture<JsonNode> requestAsync(String method, LongFunction<JsonNode> paramsForId) {
        String refused = refusing;
        if (refused != null && !"initialize".equals(method)) {
            return CompletableFuture.failedFuture(new McpException(refused, null));
        }
        long id = ids.incrementAndGet();
        JsonNode params = paramsForId.apply(id);
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null && !params.isMissingNode()) {
            message.set("params", params);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String key = String.valueOf(id);
        pending.put(key, answer);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            pending.remove(key);
            if (e instanceof TimeoutException && !"initialize".equals(method)) {
                cancel(id, method + " timed out after " + timeout.toMillis() + " ms");
            } else if (e instanceof CancellationException && !"initialize".equals(method)) {
                cancel(id, "cancelled by the client");
            }
        });
        try {
            transport.send(message);
        } catch (Exception e) {
            answer.completeExceptionally(new McpException(method + ": " + e.getMessage(), e));
        }
        return answer;
    }

    /** Sends a notification. */
    public void notify(String method, JsonNode params) {
        ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0").put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        try {
            transport.send(message);
        } catch (Exception e) {
            throw new McpException(method + ": " + e.getMessage(), e);
        }
    }

    /** One message from the server. */
    public void receive(JsonNode message) {
        if (message.isArray()) {
            message.forEach(this::receive);
            return;
        }
        if (!message.isObject()) {
            return;
        }
        JsonNode id = message.get("id");
        if (message.hasNonNull("method")) {
            String method = message.get("method").asText();
            if (id == null || id.isNull()) {
                notifications.accept(method, message.path("params"));
            } else {
                workers.execute(() -> answer(id, method, message.path("params")));
            }
        } else if (id != null) {
            CompletableFuture<JsonNode> answer = pending.get(id.asText());
            if (answer == null) {
                return;
            }
            JsonNode error = message.get("error");
            if (error != null && !error.isNull()) {
                answer.completeExceptionally(new McpException(error.path("code").asInt(),
                        error.path("message").asText(), error.get("data")));
            } else {
                answer.complete(message.path("result"));
            }
        }
    }

    /** Tells the server to stop working on a request the client gave up on (best effort). */
    private void cancel(long id, String reason) {
        try {
            notify("notifications/cancelled", NODES.objectNode().put("requestId", id).put("reason", reason));
        } catch (McpException e) {
            // The transport is gone; nothing to cancel.
        }
    }

    /**
     * Until {@link #acceptRequests()}, every request but initialize fails at once with {@code reason}: the connection
     * is lost and, maybe, being reopened (a request must not reach a new session before its initialize).
     */
    public void refuseRequests(String reason) {
        refusing = reason;
    }

    /** Requests go out again (a reconnect's initialize succeeded). */
    public void acceptRequests() {
        refusing = null;
    }

    /** Fails every request still waiting, say because the transport closed. */
    public void failAll(String reason) {
        for (CompletableFuture<JsonNode> answer : pending.values()) {
            answer.completeExceptionally(new McpException(reason, null));
        }
    }

    public void close() {
        failAll("client closed");
        workers.shutdownNow();
    }

    private void answer(JsonNode id, String method, JsonNode params) {
        ObjectNode reply = NODES.objectNode().put("jsonrpc", "2.0");
        reply.set("id", id);
        RequestHandler handler = "ping".equals(method) ? p -> NODES.objectNode() : handlers.get(method);
        if (handler == null) {
            reply.set("error", error(-32601, "Method not found: " + method));
        } else {
            try {
                JsonNode result = handler.handle(params);
                reply.set("result", result == null ? NODES.objectNode() : result);
            } catch (McpException e) {
                reply.set("error", error(e.code() == McpException.NO_CODE ? -32603 : e.code(), e.getMessage()));
            } catch (Exception e) {
                reply.set("error", error(-32603, String.valueOf(e.getMessage())));
            }
        }
        try {
            transport.send(reply);
        } catch (Exception e) {
            // The server is gone; nothing to answer to.
        }
    }

    /**
     * The JSON value of {@code text}, or null when it holds none (blank) or is not JSON: how every transport reads
     * a message off its wire, skipping what is not one.
     */
    static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode error(int code, String message) {
        return NODES.objectNode().put("code", code).put("message", message);
    }
}
