// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.mcp.Implementation;
import io.erlmcp.mcp.LoggingLevel;
import io.erlmcp.mcp.McpException;
import io.erlmcp.mcp.SessionInfo;
import io.erlmcp.session.SessionRecord;
import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/** One MCP session: negotiated state, running requests, pending server-to-client requests, subscriptions. */
final class Session implements ServerSession {

    final Engine engine;
    final String id;
    final TransportInfo transport;
    final Instant created;
    volatile long lastActive = System.currentTimeMillis();
    /** {@link #lastActive} as last written to the session store. */
    volatile long storedActive;
    /** Orders writes of this session's record to the store. */
    final Object storeLock = new Object();
    private volatile MessageChannel standalone;

    volatile String version;
    volatile boolean initialized;
    volatile boolean clientInitialized;
    volatile Implementation clientInfo;
    /** The client's {@code clientInfo} as sent, for the session store. */
    volatile String clientInfoJson;
    volatile JsonNode clientCapabilities;
    volatile LoggingLevel logLevel;
    private volatile boolean closed;

    /** Client requests running now, by {@link Rpc#key}. */
    final Map<String, Call> running = new ConcurrentHashMap<>();
    /** Server-to-client requests awaiting an answer, by id. */
    final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    /** Tasks (2025-11-25) this session created, by task id. */
    final Map<String, TaskState> tasks = new ConcurrentHashMap<>();
    final AtomicLong taskSeq = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    private final AtomicLong nextRequestId = new AtomicLong();

    Session(Engine engine, String id, TransportInfo transport, MessageChannel standalone) {
        this(engine, id, transport, standalone, Instant.now());
    }

    Session(Engine engine, String id, TransportInfo transport, MessageChannel standalone, Instant created) {
        this.engine = engine;
        this.id = id;
        this.transport = transport;
        this.standalone = standalone;
        this.created = created;
    }

    /** @return the session's resumable state, for the session store */
    SessionRecord record() {
        JsonNode caps = clientCapabilities;
        LoggingLevel level = logLevel;
        return new SessionRecord(id, transport.transport(), version, clientInfoJson,
                caps == null ? null : caps.toString(), level == null ? null : level.wireName(),
                Set.copyOf(subscriptions), initialized, clientInitialized, created, Instant.ofEpochMilli(lastActive));
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
        return initialized;
    }

    @Override
    public CompletionStage<Void> receive(Inbound frame, MessageChannel related) {
        return engine.receive(this, (Frame) frame, related);
    }

    @Override
    public synchronized MessageChannel attachStandalone(MessageChannel s) {
        MessageChannel old = standalone;
        standalone = s;
        return old;
    }

    @Override
    public void detachStandalone(MessageChannel s) {
        synchronized (this) {
            if (standalone == s) {
                standalone = null;
            }
        }
    }

    MessageChannel standalone() {
        return standalone;
    }

    /** Sends a message that belongs to no request; dropped when there is no open standalone channel. */
    boolean sendStandalone(byte[] json, MessageKind kind) {
        MessageChannel ch = standalone;
        if (ch == null || !ch.isOpen() || closed) {
            return false;
        }
        ch.send(json, kind);
        return true;
    }

    String nextRequestId() {
        return "erlmcp-" + nextRequestId.incrementAndGet();
    }

    boolean clientSupports(String capability) {
        JsonNode caps = clientCapabilities;
        return caps != null && caps.has(capability) && !caps.get(capability).isNull();
    }

    @Override
    public void close() {
        closeAs(false, false);
    }

    void closeAs(boolean expired) {
        closeAs(expired, false);
    }

    /**
     * Ends this instance of the session but keeps its record in the session store, so that another engine
     * instance resumes it (the engine is being deactivated: reload, refresh, reconfiguration).
     */
    void detach() {
        closeAs(false, true);
    }

    private void closeAs(boolean expired, boolean keepStored) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        engine.forget(this, expired, keepStored);
        for (Call c : new ArrayList<>(running.values())) {
            c.cancel("session closed");
        }
        running.clear();
        for (TaskState t : tasks.values()) {
            t.transition(TaskState.CANCELLED, "The session ended.");
            java.util.concurrent.ScheduledFuture<?> x = t.expiry;
            if (x != null) {
                x.cancel(false);
            }
        }
        tasks.clear();
        McpException ended = new McpException(io.erlmcp.mcp.ErrorCodes.INTERNAL_ERROR, "session closed");
        pending.values().forEach(f -> f.completeExceptionally(ended));
        pending.clear();
        subscriptions.clear();
        standalone = null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    SessionInfo info() {
        return new SessionInfo(id, transport.transport(), transport.remote(), version, clientInfo, created,
                Instant.ofEpochMilli(lastActive), running.size(), subscriptions.size(), requests.get());
    }
}
