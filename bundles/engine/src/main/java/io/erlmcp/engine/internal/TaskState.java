// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.erlmcp.transport.MessageChannel;

/**
 * One task (MCP 2025-11-25, experimental) of a task-augmented {@code tools/call}: its status machine and, once
 * terminal, the outcome {@code tasks/result} returns. Bound to the session that created it.
 */
final class TaskState {

    static final String WORKING = "working";
    static final String INPUT_REQUIRED = "input_required";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    static final String RELATED_TASK = "io.modelcontextprotocol/related-task";

    final String id;
    final long seq;
    final Instant createdAt = Instant.now();
    final long ttl;
    final long pollInterval;
    /** Completes when the task reaches a terminal status. */
    final CompletableFuture<Void> terminal = new CompletableFuture<>();
    private final AtomicInteger awaitingInput = new AtomicInteger();

    private String status = WORKING;
    private String statusMessage;
    private Instant lastUpdatedAt = createdAt;
    /** The underlying request's result object, or its JSON-RPC error object; set once terminal. */
    private JsonNode result;
    private JsonNode error;

    volatile Call call;
    volatile ScheduledFuture<?> expiry;
    /** The channel of a waiting {@code tasks/result}: messages of the running task go there first. */
    volatile MessageChannel resultChannel;

    TaskState(String id, long seq, long ttl, long pollInterval) {
        this.id = id;
        this.seq = seq;
        this.ttl = ttl;
        this.pollInterval = pollInterval;
    }

    synchronized String status() {
        return status;
    }

    synchronized boolean isTerminal() {
        return terminal(status);
    }

    static boolean terminal(String status) {
        return COMPLETED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }

    /** Moves to {@code to} unless already terminal. @return whether the status changed */
    boolean transition(String to, String message) {
        synchronized (this) {
            if (terminal(status) || (status.equals(to) && message == null)) {
                return false;
            }
            status = to;
            statusMessage = message;
            lastUpdatedAt = Instant.now();
        }
        if (terminal(to)) {
            terminal.complete(null);
        }
        return true;
    }

    /** Records the outcome and moves to {@code completed} or {@code failed}, unless already terminal. */
    boolean finish(JsonNode result, JsonNode error, String failure) {
        synchronized (this) {
            if (terminal(status)) {
                return false;
            }
            this.result = result;
            this.error = error;
        }
        return transition(failure == null ? COMPLETED : FAILED, failure);
    }

    synchronized JsonNode result() {
        return result;
    }

    synchronized JsonNode error() {
        return error;
    }

    /** The running task sent a request to the client and needs its answer. */
    void inputRequested() {
        if (awaitingInput.incrementAndGet() == 1) {
            transition(INPUT_REQUIRED, null);
        }
    }

    /** The client answered (or the request failed). */
    void inputReceived() {
        if (awaitingInput.decrementAndGet() == 0) {
            synchronized (this) {
                if (!INPUT_REQUIRED.equals(status)) {
                    return;
                }
            }
            transition(WORKING, null);
        }
    }

    /** Writes the {@code Task} fields (without the enclosing braces). */
    synchronized void fields(JsonGenerator g) throws IOException {
        g.writeStringField("taskId", id);
        g.writeStringField("status", status);
        if (statusMessage != null) {
            g.writeStringField("statusMessage", statusMessage);
        }
        g.writeStringField("createdAt", createdAt.toString());
        g.writeStringField("lastUpdatedAt", lastUpdatedAt.toString());
        g.writeNumberField("ttl", ttl);
        g.writeNumberField("pollInterval", pollInterval);
    }

    /** @return the {@code Task} object */
    Json.Writer writer() {
        return g -> {
            g.writeStartObject();
            fields(g);
            g.writeEndObject();
        };
    }

    /** Adds {@code _meta["io.modelcontextprotocol/related-task"]} to {@code obj}. */
    void relate(ObjectNode obj) {
        JsonNode m = obj.get("_meta");
        ObjectNode meta = m instanceof ObjectNode o ? o : obj.putObject("_meta");
        meta.putObject(RELATED_TASK).put("taskId", id);
    }
}
