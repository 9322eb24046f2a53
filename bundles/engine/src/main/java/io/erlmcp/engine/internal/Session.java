// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

/**
 * One MCP session: negotiated state, running requests, pending server-to-client requests, subscriptions.
 *
 * <p>Kept small, because a node holds many idle sessions: the maps of running requests, pending server-to-client
 * requests, subscriptions and tasks are made on first use; counters are fields, not atomics; the client's
 * {@code clientInfo} and capabilities are kept as the JSON text the session store needs (shared between sessions
 * that sent the same, see {@link ClientState}), with the capabilities a server asks about as flags.
 */
final class Session implements ServerSession {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private static final AtomicLongFieldUpdater<Session> REQUESTS =
            AtomicLongFieldUpdater.newUpdater(Session.class, "requestCount");
    private static final AtomicLongFieldUpdater<Session> REQUEST_IDS =
            AtomicLongFieldUpdater.newUpdater(Session.class, "requestIds");
    private static final AtomicIntegerFieldUpdater<Session> TASK_SEQ =
            AtomicIntegerFieldUpdater.newUpdater(Session.class, "taskSeq");

    final Engine engine;
    final String id;
    final TransportInfo transport;
    final Instant created;
    volatile long lastActive = System.currentTimeMillis();
    /** {@link #lastActive} as last written to the session store (writes are ordered by this session's lock). */
    volatile long storedActive;
    private volatile MessageChannel standalone;

    volatile String version;
    volatile boolean initialized;
    volatile boolean clientInitialized;
    private volatile boolean closed;
    /** The client's {@code clientInfo} and capabilities; {@link ClientState#NONE} before {@code initialize}. */
    volatile ClientState client = ClientState.NONE;
    volatile LoggingLevel logLevel;

    private volatile Map<String, Call> running;
    private volatile Map<String, CompletableFuture<JsonNode>> pending;
    private volatile Set<String> subscriptions;
    private volatile Map<String, TaskState> tasks;
    private volatile int taskSeq;
    private volatile long requestCount;
    private volatile long requestIds;

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

    // ---- state made on first use; the read-only accessors never make it

    /** Client requests running now, by {@link Rpc#key}. */
    Map<String, Call> running() {
        Map<String, Call> m = running;
        if (m == null) {
            synchronized (this) {
                m = running;
                if (m == null) {
                    running = m = new ConcurrentHashMap<>(4);
                }
            }
        }
        return m;
    }

    /** @return the running request with this key, or {@code null} */
    Call runningCall(String key) {
        Map<String, Call> m = running;
        return m == null ? null : m.get(key);
    }

    void finished(String key, Call call) {
        Map<String, Call> m = running;
        if (m != null) {
            m.remove(key, call);
        }
    }

    int runningCount() {
        Map<String, Call> m = running;
        return m == null ? 0 : m.size();
    }

    /** Server-to-client requests awaiting an answer, by id. */
    Map<String, CompletableFuture<JsonNode>> pending() {
        Map<String, CompletableFuture<JsonNode>> m = pending;
        if (m == null) {
            synchronized (this) {
                m = pending;
                if (m == null) {
                    pending = m = new ConcurrentHashMap<>(4);
                }
            }
        }
        return m;
    }

    /** @return the pending server-to-client request with this id, removed, or {@code null} */
    CompletableFuture<JsonNode> takePending(String requestId) {
        Map<String, CompletableFuture<JsonNode>> m = pending;
        return m == null ? null : m.remove(requestId);
    }

    /** The resource URIs this session is subscribed to. */
    Set<String> subscriptions() {
        Set<String> m = subscriptions;
        if (m == null) {
            synchronized (this) {
                m = subscriptions;
                if (m == null) {
                    subscriptions = m = ConcurrentHashMap.newKeySet(4);
                }
            }
        }
        return m;
    }

    boolean subscribed(String uri) {
        Set<String> m = subscriptions;
        return m != null && m.contains(uri);
    }

    int subscriptionCount() {
        Set<String> m = subscriptions;
        return m == null ? 0 : m.size();
    }

    /** Tasks (2025-11-25) this session created, by task id. */
    Map<String, TaskState> tasks() {
        Map<String, TaskState> m = tasks;
        if (m == null) {
            synchronized (this) {
                m = tasks;
                if (m == null) {
                    tasks = m = new ConcurrentHashMap<>(4);
                }
            }
        }
        return m;
    }

    int nextTaskSeq() {
        return TASK_SEQ.incrementAndGet(this);
    }

    void countRequest() {
        REQUESTS.incrementAndGet(this);
    }

    /** @return the session's resumable state, for the session store */
    SessionRecord record() {
        ClientState c = client;
        LoggingLevel level = logLevel;
        Set<String> subs = subscriptions;
        return new SessionRecord(id, transport.transport(), version, c.infoJson(), c.capabilitiesJson(),
                level == null ? null : level.wireName(), subs == null || subs.isEmpty() ? Set.of() : Set.copyOf(subs),
                initialized, clientInitialized, created, Instant.ofEpochMilli(lastActive));
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
        return "erlmcp-" + REQUEST_IDS.incrementAndGet(this);
    }

    /** @return the client's {@code clientInfo}, or {@code null} when it sent none (read from its JSON) */
    Implementation clientInfo() {
        return client.info();
    }

    boolean clientSupports(String capability) {
        return client.supports(capability);
    }

    @Override
    public void close() {
        closeAs(false, false, false);
    }

    /** Ends the session from the server's side (an operator, or idle expiry): its transport is told. */
    void end(boolean expired) {
        closeAs(expired, false, true);
    }

    /**
     * Ends this instance of the session but keeps its record in the session store, so that another engine
     * instance resumes it (the engine is being deactivated: reload, refresh, reconfiguration).
     */
    void detach() {
        closeAs(false, true, false);
    }

    private void closeAs(boolean expired, boolean keepStored, boolean tellTransport) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        engine.forget(this, expired, keepStored);
        Map<String, Call> calls = running;
        if (calls != null) {
            for (Call c : new ArrayList<>(calls.values())) {
                c.cancel("session closed");
            }
            calls.clear();
        }
        Map<String, TaskState> ts = tasks;
        if (ts != null) {
            for (TaskState t : ts.values()) {
                t.transition(TaskState.CANCELLED, "The session ended.");
                java.util.concurrent.ScheduledFuture<?> x = t.expiry;
                if (x != null) {
                    x.cancel(false);
                }
            }
            ts.clear();
        }
        Map<String, CompletableFuture<JsonNode>> waiting = pending;
        if (waiting != null) {
            McpException ended = new McpException(io.erlmcp.mcp.ErrorCodes.INTERNAL_ERROR, "session closed");
            waiting.values().forEach(f -> f.completeExceptionally(ended));
            waiting.clear();
        }
        Set<String> subs = subscriptions;
        if (subs != null) {
            subs.clear();
        }
        MessageChannel ch = standalone;
        standalone = null;
        if (tellTransport && ch != null) {
            try {
                ch.sessionClosed();
            } catch (RuntimeException e) {
                LOG.warn("Transport {} failed to end session {}", transport.transport(), id, e);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    SessionInfo info() {
        return new SessionInfo(id, transport.transport(), transport.remote(), version, clientInfo(), created,
                Instant.ofEpochMilli(lastActive), runningCount(), subscriptionCount(), requestCount);
    }
}
