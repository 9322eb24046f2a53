// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.erlmcp.drain.RequestGate;
import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.Completion;
import io.erlmcp.mcp.CompletionRequest;
import io.erlmcp.mcp.Content;
import io.erlmcp.mcp.ErrorCodes;
import io.erlmcp.mcp.GetPromptResult;
import io.erlmcp.mcp.Implementation;
import io.erlmcp.mcp.JsonText;
import io.erlmcp.mcp.LoggingLevel;
import io.erlmcp.mcp.McpException;
import io.erlmcp.mcp.PromptArgument;
import io.erlmcp.mcp.PromptMessage;
import io.erlmcp.mcp.ResourceContents;
import io.erlmcp.mcp.ResourceUpdates;
import io.erlmcp.mcp.SessionInfo;
import io.erlmcp.mcp.SessionRegistry;
import io.erlmcp.mcp.SessionStats;
import io.erlmcp.session.SessionRecord;
import io.erlmcp.session.SessionStore;
import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * The MCP server engine, free of OSGi so that tests drive it directly: JSON-RPC dispatch, lifecycle, the
 * catalog of handlers, sessions and notifications. {@link EngineComponent} wires it into the framework.
 */
public final class Engine implements McpServerEndpoint, SessionRegistry, ResourceUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Supported protocol versions, latest first. */
    static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    static final String LATEST = VERSIONS.get(0);
    private static final int MAX_COMPLETIONS = 100;
    private static final long LIST_CHANGED_DELAY_MS = 50;
    /** How often, at most, a session's last-active time is written to the session store. */
    static final long STORE_SYNC_MS = 5000;
    /**
     * Transports whose sessions end with their connection: a client cannot come back to such a session by id, so
     * the session store does not hold them (a record written just before an engine reload would outlive them).
     */
    static final java.util.Set<String> CONNECTION_BOUND = java.util.Set.of("stdio", "tcp", "ws", "sse");

    private static final int TOOLS = 1;
    private static final int RESOURCES = 2;
    private static final int PROMPTS = 4;

    /**
     * @param name                 serverInfo.name
     * @param title                serverInfo.title, or {@code null}
     * @param version              serverInfo.version
     * @param instructions         sent in the initialize result when not empty
     * @param pageSize             entries per list page
     * @param idleTimeout          a session without traffic for this long is closed ({@link Duration#ZERO}: never)
     * @param clientRequestTimeout how long a server-to-client request waits for its answer
     * @param taskMaxTtl           the longest a task (2025-11-25) is kept after its creation; also the ttl of a
     *                             task whose client asked for none
     * @param taskPollInterval     the {@code pollInterval} suggested to clients polling a task
     * @param maxTasksPerSession   tasks a session may hold at once (running or kept for their result)
     */
    public record Settings(String name, String title, String version, String instructions, int pageSize,
            Duration idleTimeout, Duration clientRequestTimeout, Duration taskMaxTtl, Duration taskPollInterval,
            int maxTasksPerSession) {
        public Settings {
            if (pageSize < 1) {
                throw new IllegalArgumentException("page size must be positive: " + pageSize);
            }
            if (taskMaxTtl.toMillis() < 1 || taskPollInterval.isNegative() || maxTasksPerSession < 1) {
                throw new IllegalArgumentException("task ttl and task limit must be positive");
            }
        }

        /** Settings with the default task limits (1 h ttl, 1 s poll interval, 100 tasks per session). */
        public Settings(String name, String title, String version, String instructions, int pageSize,
                Duration idleTimeout, Duration clientRequestTimeout) {
            this(name, title, version, instructions, pageSize, idleTimeout, clientRequestTimeout,
                    Duration.ofHours(1), Duration.ofSeconds(1), 100);
        }
    }

    /** The first protocol version with tasks. */
    static final String TASKS_VERSION = "2025-11-25";

    final Settings settings;
    final Catalog catalog = new Catalog();
    private final ExecutorService handlers;
    private final ScheduledExecutorService timer;
    private final Supplier<RequestGate> gate;
    private final Supplier<SessionStore> store;
    /** Set by {@link #shutdown()}: from then on this instance resumes nothing from the store. */
    private volatile boolean stopped;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** One {@link ClientState} per distinct clientInfo and capabilities (bounded). */
    private final ClientState.Interner clients = new ClientState.Interner(256);
    private final AtomicInteger listChanged = new AtomicInteger();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong requestCount = new AtomicLong();
    private final byte[] capabilities;
    /** {@link #capabilities} plus {@code tasks}, for sessions speaking {@value #TASKS_VERSION}. */
    private final byte[] capabilitiesWithTasks;

    /**
     * @param handlers runs handler code (bounded; rejection answers "server busy"); owned by the caller
     * @param timer    runs list_changed coalescing and idle expiry; owned by the caller
     * @param gate     the request gate, or a supplier of {@code null}
     */
    public Engine(Settings settings, ExecutorService handlers, ScheduledExecutorService timer,
            Supplier<RequestGate> gate) {
        this(settings, handlers, timer, gate, () -> null);
    }

    /**
     * @param store the session store, or a supplier of {@code null}: where sessions outlive this engine instance
     */
    public Engine(Settings settings, ExecutorService handlers, ScheduledExecutorService timer,
            Supplier<RequestGate> gate, Supplier<SessionStore> store) {
        this.settings = settings;
        this.handlers = handlers;
        this.timer = timer;
        this.gate = gate;
        this.store = store;
        timer.scheduleWithFixedDelay(this::syncStore, STORE_SYNC_MS, STORE_SYNC_MS, TimeUnit.MILLISECONDS);
        this.capabilities = capabilities(false);
        this.capabilitiesWithTasks = capabilities(true);
        if (!settings.idleTimeout().isZero() && !settings.idleTimeout().isNegative()) {
            long every = Math.max(1000, Math.min(30_000, settings.idleTimeout().toMillis() / 4));
            timer.scheduleWithFixedDelay(this::expireIdle, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private static byte[] capabilities(boolean tasks) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("logging");
            g.writeEndObject();
            g.writeObjectFieldStart("completions");
            g.writeEndObject();
            g.writeObjectFieldStart("prompts");
            g.writeBooleanField("listChanged", true);
            g.writeEndObject();
            g.writeObjectFieldStart("resources");
            g.writeBooleanField("subscribe", true);
            g.writeBooleanField("listChanged", true);
            g.writeEndObject();
            g.writeObjectFieldStart("tools");
            g.writeBooleanField("listChanged", true);
            g.writeEndObject();
            if (tasks) {
                // Tasks are bound to the session that created them, so listing them exposes nothing foreign.
                g.writeObjectFieldStart("tasks");
                g.writeObjectFieldStart("list");
                g.writeEndObject();
                g.writeObjectFieldStart("cancel");
                g.writeEndObject();
                g.writeObjectFieldStart("requests");
                g.writeObjectFieldStart("tools");
                g.writeObjectFieldStart("call");
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /**
     * Ends this engine instance: cancels every running request and forgets every session, but keeps the sessions'
     * records in the session store, so that the next engine instance resumes them with the same ids.
     */
    public void shutdown() {
        stopped = true;
        for (Session s : new ArrayList<>(sessions.values())) {
            persist(s);
            s.detach();
        }
    }

    // ------------------------------------------------------------------ session store

    /** Writes the session's record to the store, if there is one and the session has been initialized. */
    void persist(Session s) {
        SessionStore st = store.get();
        if (st == null || s.version == null || CONNECTION_BOUND.contains(s.transport.transport())) {
            return;
        }
        try {
            // Under the lock so that a session closed meanwhile is not written back after its removal.
            synchronized (s) {
                if (s.isClosed()) {
                    return;
                }
                long active = s.lastActive;
                st.put(s.record());
                s.storedActive = active;
            }
        } catch (RuntimeException e) {
            LOG.warn("Session {}: writing to the session store failed: {}", s.id, e.toString());
        }
    }

    private void unstore(Session s) {
        SessionStore st = store.get();
        if (st == null) {
            return;
        }
        try {
            synchronized (s) {
                st.remove(s.id);
            }
        } catch (RuntimeException e) {
            LOG.warn("Session {}: removing it from the session store failed: {}", s.id, e.toString());
        }
    }

    /** Brings the store's last-active times up to date (timer; never on the request path). */
    private void syncStore() {
        try {
            if (store.get() == null) {
                return;
            }
            for (Session s : sessions.values()) {
                if (s.lastActive - s.storedActive >= STORE_SYNC_MS) {
                    persist(s);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Session store sync failed", e);
        }
    }

    /**
     * Resumes every stored session this instance does not know yet and writes the ones it serves: called when a
     * store is bound (at activation, or when a store comes back).
     */
    public void restoreAll() {
        SessionStore st = store.get();
        if (st == null || stopped) {
            return;
        }
        int n = 0;
        try {
            for (SessionRecord r : st.list()) {
                if (!sessions.containsKey(r.id()) && restore(st, r) != null) {
                    n++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Restoring sessions from the session store failed", e);
        }
        if (n > 0) {
            LOG.info("Resumed {} session(s) from the session store", n);
        }
        for (Session s : sessions.values()) {
            persist(s); // a store that replaced another learns the sessions served here
        }
    }

    /** @return the live session with this id, resumed from the store when this instance does not know it */
    private Session lookup(String id) {
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        if (s != null) {
            return s;
        }
        SessionStore st = store.get();
        if (st == null || stopped) {
            return null;
        }
        try {
            Optional<SessionRecord> r = st.get(id);
            return r.isEmpty() ? null : restore(st, r.get());
        } catch (RuntimeException e) {
            LOG.warn("Session {}: reading the session store failed: {}", id, e.toString());
            return null;
        }
    }

    /** @return the session resumed from {@code r}, or {@code null} when it has expired meanwhile */
    private Session restore(SessionStore st, SessionRecord r) {
        long idle = settings.idleTimeout().toMillis();
        if (idle > 0 && r.lastActive().toEpochMilli() < System.currentTimeMillis() - idle
                && !"stdio".equals(r.transport())) {
            st.remove(r.id());
            expired.incrementAndGet();
            return null;
        }
        Session s = new Session(this, r.id(), new TransportInfo(r.transport(), null, null), null, r.created());
        s.version = canonical(r.protocolVersion());
        s.client = clients.of(r.clientInfoJson(), r.clientCapabilitiesJson());
        s.logLevel = r.logLevel() == null ? null : LoggingLevel.fromWire(r.logLevel());
        if (!r.subscriptions().isEmpty()) {
            s.subscriptions().addAll(r.subscriptions());
        }
        s.clientInitialized = r.clientInitialized();
        s.lastActive = r.lastActive().toEpochMilli();
        s.storedActive = s.lastActive;
        s.initialized = r.initialized();
        Session won = sessions.putIfAbsent(r.id(), s);
        if (won != null) {
            return won;
        }
        opened.incrementAndGet();
        LOG.debug("Session {} resumed from the session store ({} over {})", r.id(), r.protocolVersion(),
                r.transport());
        return s;
    }

    /** @return the version to speak with a client that asked for {@code requested}: a constant, not its string */
    static String negotiate(String requested) {
        int i = VERSIONS.indexOf(requested);
        return i < 0 ? LATEST : VERSIONS.get(i);
    }

    /** @return the constant equal to {@code version} (one string for every session), or {@code version} */
    private static String canonical(String version) {
        int i = version == null ? -1 : VERSIONS.indexOf(version);
        return i < 0 ? version : VERSIONS.get(i);
    }

    // ------------------------------------------------------------------ whiteboard

    public void addTool(io.erlmcp.mcp.Tool tool, String key) {
        if (catalog.addTool(tool, key)) {
            changed(TOOLS);
        }
    }

    public void removeTool(io.erlmcp.mcp.Tool tool) {
        if (catalog.removeTool(tool)) {
            changed(TOOLS);
        }
    }

    public void addResourceProvider(io.erlmcp.mcp.ResourceProvider p, String key) {
        catalog.addProvider(p, key);
        changed(RESOURCES);
    }

    public void removeResourceProvider(io.erlmcp.mcp.ResourceProvider p) {
        if (catalog.removeProvider(p)) {
            changed(RESOURCES);
        }
    }

    public void addResourceTemplate(io.erlmcp.mcp.ResourceTemplate t, String key) {
        if (catalog.addTemplate(t, key)) {
            changed(RESOURCES);
        }
    }

    public void removeResourceTemplate(io.erlmcp.mcp.ResourceTemplate t) {
        if (catalog.removeTemplate(t)) {
            changed(RESOURCES);
        }
    }

    public void addPrompt(io.erlmcp.mcp.Prompt p, String key) {
        if (catalog.addPrompt(p, key)) {
            changed(PROMPTS);
        }
    }

    public void removePrompt(io.erlmcp.mcp.Prompt p) {
        if (catalog.removePrompt(p)) {
            changed(PROMPTS);
        }
    }

    public void addCompleter(io.erlmcp.mcp.Completer c, String key) {
        catalog.addCompleter(c, key);
    }

    public void removeCompleter(io.erlmcp.mcp.Completer c) {
        catalog.removeCompleter(c);
    }

    /** Coalesces list changes: one notification per kind within {@value #LIST_CHANGED_DELAY_MS} ms. */
    private void changed(int kind) {
        int before = listChanged.getAndUpdate(v -> v | kind);
        if (before == 0) {
            try {
                timer.schedule(this::flushListChanged, LIST_CHANGED_DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                listChanged.set(0); // shutting down
            }
        }
    }

    private void flushListChanged() {
        int kinds = listChanged.getAndSet(0);
        List<byte[]> msgs = new ArrayList<>(3);
        if ((kinds & TOOLS) != 0) {
            msgs.add(Rpc.notification("notifications/tools/list_changed", null));
        }
        if ((kinds & RESOURCES) != 0) {
            msgs.add(Rpc.notification("notifications/resources/list_changed", null));
        }
        if ((kinds & PROMPTS) != 0) {
            msgs.add(Rpc.notification("notifications/prompts/list_changed", null));
        }
        for (Session s : sessions.values()) {
            if (!s.initialized) {
                continue;
            }
            for (byte[] m : msgs) {
                try {
                    s.sendStandalone(m.clone(), MessageKind.NOTIFICATION);
                } catch (RuntimeException e) {
                    LOG.warn("list_changed to session {} failed: {}", s.id, e.toString());
                }
            }
        }
    }

    @Override
    public void resourceUpdated(String uri) {
        byte[] msg = Rpc.notification("notifications/resources/updated", g -> {
            g.writeStartObject();
            g.writeStringField("uri", uri);
            g.writeEndObject();
        });
        for (Session s : sessions.values()) {
            if (s.subscribed(uri)) {
                s.sendStandalone(msg.clone(), MessageKind.NOTIFICATION);
            }
        }
    }

    @Override
    public void resourcesListChanged() {
        catalog.refreshProviders();
        changed(RESOURCES);
    }

    // ------------------------------------------------------------------ transport SPI

    @Override
    public Inbound parse(byte[] frame) {
        return Frame.parse(frame);
    }

    @Override
    public ServerSession open(TransportInfo transport, MessageChannel standalone) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Session s = new Session(this, id, transport, standalone);
        sessions.put(id, s);
        opened.incrementAndGet();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Session {} opened over {} from {}", id, transport.transport(), transport.remote());
        }
        return s;
    }

    @Override
    public Optional<ServerSession> find(String sessionId) {
        Session s = lookup(sessionId);
        return s == null || s.isClosed() ? Optional.empty() : Optional.of(s);
    }

    void forget(Session s, boolean wasExpired, boolean keepStored) {
        if (!keepStored) {
            unstore(s);
        }
        if (sessions.remove(s.id, s)) {
            closed.incrementAndGet();
            if (wasExpired) {
                expired.incrementAndGet();
            }
        }
    }

    private void expireIdle() {
        try {
            long limit = System.currentTimeMillis() - settings.idleTimeout().toMillis();
            for (Session s : sessions.values()) {
                if (s.lastActive < limit && s.runningCount() == 0 && !"stdio".equals(s.transport.transport())) {
                    LOG.debug("Session {} expired after {} idle", s.id, settings.idleTimeout());
                    s.end(true);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Idle session expiry failed", e);
        }
    }

    // ------------------------------------------------------------------ SessionRegistry

    @Override
    public List<SessionInfo> list() {
        return sessions.values().stream().map(Session::info).toList();
    }

    @Override
    public Optional<SessionInfo> get(String id) {
        Session s = lookup(id);
        return s == null ? Optional.empty() : Optional.of(s.info());
    }

    @Override
    public boolean terminate(String id) {
        Session s = lookup(id);
        if (s == null || s.isClosed()) {
            return false;
        }
        s.end(false);
        return true;
    }

    @Override
    public SessionStats stats() {
        int inFlight = 0;
        for (Session s : sessions.values()) {
            inFlight += s.runningCount();
        }
        return new SessionStats(sessions.size(), opened.get(), closed.get(), expired.get(), inFlight,
                requestCount.get());
    }

    // ------------------------------------------------------------------ receive

    CompletionStage<Void> receive(Session s, Frame frame, MessageChannel ch) {
        s.lastActive = System.currentTimeMillis();
        if (frame.error() != null) {
            ch.send(frame.error().clone(), MessageKind.RESPONSE);
            return CompletableFuture.completedFuture(null);
        }
        if (s.isClosed()) {
            if (frame.hasRequests()) {
                for (JsonNode m : frame.messages) {
                    if (Rpc.isRequest(m)) {
                        ch.send(Rpc.error(Rpc.usableId(m), ErrorCodes.INVALID_REQUEST, "Session closed", null),
                                MessageKind.RESPONSE);
                    }
                }
            }
            return CompletableFuture.completedFuture(null);
        }
        if (!frame.batch) {
            return handle(s, frame.messages.get(0), ch).thenAccept(r -> {
                if (r != null) {
                    ch.send(r, MessageKind.RESPONSE);
                }
            });
        }
        if (!"2025-03-26".equals(s.version)) {
            ch.send(Rpc.error(null, ErrorCodes.INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not supported"
                    + (s.version == null ? " before initialize" : " in protocol version " + s.version), null),
                    MessageKind.RESPONSE);
            return CompletableFuture.completedFuture(null);
        }
        if (frame.isInitialize()) {
            ch.send(Rpc.error(null, ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: initialize must not be part of a batch", null), MessageKind.RESPONSE);
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<byte[]>> parts = new ArrayList<>(frame.messages.size());
        for (JsonNode m : frame.messages) {
            parts.add(handle(s, m, ch));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenAccept(v -> {
            List<byte[]> out = new ArrayList<>();
            for (CompletableFuture<byte[]> p : parts) {
                byte[] r = p.join();
                if (r != null) {
                    out.add(r);
                }
            }
            if (!out.isEmpty()) {
                int len = 1 + out.size();
                for (byte[] r : out) {
                    len += r.length;
                }
                byte[] all = new byte[len];
                int pos = 0;
                all[pos++] = '[';
                for (int i = 0; i < out.size(); i++) {
                    if (i > 0) {
                        all[pos++] = ',';
                    }
                    System.arraycopy(out.get(i), 0, all, pos, out.get(i).length);
                    pos += out.get(i).length;
                }
                all[pos] = ']';
                ch.send(all, MessageKind.RESPONSE);
            }
        });
    }

    private static final CompletableFuture<byte[]> NONE = CompletableFuture.completedFuture(null);

    /** Handles one message; completes with the response to send, or {@code null} when none is owed. */
    private CompletableFuture<byte[]> handle(Session s, JsonNode m, MessageChannel ch) {
        String problem = Rpc.envelopeProblem(m);
        if (problem != null) {
            return CompletableFuture.completedFuture(
                    Rpc.error(Rpc.usableId(m), ErrorCodes.INVALID_REQUEST, "Invalid Request: " + problem, null));
        }
        if (Rpc.isResponse(m)) {
            onClientResponse(s, m);
            return NONE;
        }
        String method = m.get("method").asText();
        JsonNode params = m.get("params");
        if (!m.has("id")) {
            onNotification(s, method, params);
            return NONE;
        }
        JsonNode id = m.get("id");
        s.countRequest();
        requestCount.incrementAndGet();
        try {
            if (params != null && !params.isObject()) {
                throw McpException.invalidParams("params must be an object");
            }
            return request(s, id, method, params, ch);
        } catch (McpException e) {
            return CompletableFuture.completedFuture(Rpc.error(id, e.code(), e.getMessage(), e.data()));
        } catch (RuntimeException e) {
            LOG.warn("Request {} failed", method, e);
            return CompletableFuture.completedFuture(
                    Rpc.error(id, ErrorCodes.INTERNAL_ERROR, "Internal error: " + e.getMessage(), null));
        }
    }

    private void onClientResponse(Session s, JsonNode m) {
        JsonNode id = m.get("id");
        CompletableFuture<JsonNode> f = id.isTextual() ? s.takePending(id.asText()) : null;
        if (f == null) {
            LOG.debug("Session {}: response to unknown request {}", s.id, id);
            return;
        }
        JsonNode err = m.get("error");
        if (err != null) {
            f.completeExceptionally(new McpException(err.path("code").asInt(ErrorCodes.INTERNAL_ERROR),
                    err.path("message").asText("client error"), err.get("data")));
        } else {
            f.complete(m.get("result"));
        }
    }

    private void onNotification(Session s, String method, JsonNode params) {
        switch (method) {
            case "notifications/initialized" -> {
                if (!s.clientInitialized) {
                    s.clientInitialized = true;
                    persist(s);
                }
            }
            case "notifications/cancelled" -> {
                JsonNode rid = params == null ? null : params.get("requestId");
                if (Rpc.validId(rid)) {
                    Call c = s.runningCall(Rpc.key(rid));
                    if (c != null) {
                        c.cancel(params.path("reason").asText(null));
                    }
                }
            }
            case "notifications/roots/list_changed" -> LOG.debug("Session {}: roots changed", s.id);
            default -> LOG.debug("Session {}: notification {} ignored", s.id, method);
        }
    }

    private CompletableFuture<byte[]> request(Session s, JsonNode id, String method, JsonNode params,
            MessageChannel ch) {
        if ("initialize".equals(method)) {
            return done(id, initialize(s, params));
        }
        if ("ping".equals(method)) {
            return CompletableFuture.completedFuture(Rpc.result(id, Rpc.EMPTY));
        }
        if (!s.initialized) {
            throw new McpException(ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: session not initialized; send initialize first");
        }
        Catalog.Snapshot snap = catalog.snapshot();
        switch (method) {
            case "tools/list":
                return done(id, page("tools", snap.toolJson(), params));
            case "tools/call":
                return callTool(s, id, params, ch);
            case "resources/list":
                return done(id, page("resources", snap.resourceJson(), params));
            case "resources/templates/list":
                return done(id, page("resourceTemplates", snap.templateJson(), params));
            case "resources/read":
                return readResource(s, id, params, ch);
            case "resources/subscribe":
                if (s.subscriptions().add(requiredString(params, "uri"))) {
                    persist(s);
                }
                return done(id, Rpc.EMPTY);
            case "resources/unsubscribe":
                if (s.subscribed(requiredString(params, "uri"))
                        && s.subscriptions().remove(requiredString(params, "uri"))) {
                    persist(s);
                }
                return done(id, Rpc.EMPTY);
            case "prompts/list":
                return done(id, page("prompts", snap.promptJson(), params));
            case "prompts/get":
                return getPrompt(s, id, params, ch);
            case "completion/complete":
                return complete(s, id, params, ch);
            case "tasks/get":
                return done(id, task(s, params).writer());
            case "tasks/result":
                return taskResult(s, id, task(s, params), ch);
            case "tasks/list":
                return done(id, listTasks(s, params));
            case "tasks/cancel":
                return done(id, cancelTask(s, task(s, params)).writer());
            case "logging/setLevel": {
                LoggingLevel level = LoggingLevel.fromWire(params == null ? null : params.path("level").asText(null));
                if (level == null) {
                    throw McpException.invalidParams("Invalid params: unknown logging level");
                }
                s.logLevel = level;
                persist(s);
                return done(id, Rpc.EMPTY);
            }
            default:
                throw new McpException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method);
        }
    }

    private static CompletableFuture<byte[]> done(JsonNode id, Json.Writer result) {
        return CompletableFuture.completedFuture(Rpc.result(id, result));
    }

    private static String requiredString(JsonNode params, String name) {
        JsonNode v = params == null ? null : params.get(name);
        if (v == null || !v.isTextual()) {
            throw McpException.invalidParams("Invalid params: '" + name + "' must be a string");
        }
        return v.asText();
    }

    // ------------------------------------------------------------------ lifecycle

    private Json.Writer initialize(Session s, JsonNode params) {
        if (s.initialized) {
            throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid Request: session already initialized");
        }
        String requested = requiredString(params, "protocolVersion");
        String version = negotiate(requested);
        JsonNode caps = params.get("capabilities");
        JsonNode info = params.get("clientInfo");
        s.client = clients.of(info != null && info.isObject() ? Json.text(info) : null,
                caps != null && caps.isObject() ? Json.text(caps) : "{}");
        s.version = version;
        s.initialized = true;
        persist(s);
        return g -> {
            g.writeStartObject();
            g.writeStringField("protocolVersion", version);
            g.writeFieldName("capabilities");
            g.writeRawValue(new String(TASKS_VERSION.equals(version) ? capabilitiesWithTasks : capabilities,
                    java.nio.charset.StandardCharsets.UTF_8));
            g.writeObjectFieldStart("serverInfo");
            g.writeStringField("name", settings.name());
            g.writeStringField("version", settings.version());
            if (settings.title() != null && !settings.title().isEmpty()) {
                g.writeStringField("title", settings.title());
            }
            g.writeEndObject();
            if (settings.instructions() != null && !settings.instructions().isEmpty()) {
                g.writeStringField("instructions", settings.instructions());
            }
            g.writeEndObject();
        };
    }

    // ------------------------------------------------------------------ lists

    private Json.Writer page(String field, List<String> items, JsonNode params) {
        int from = 0;
        JsonNode cursor = params == null ? null : params.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            from = decodeCursor(cursor);
            if (from > items.size()) {
                throw McpException.invalidParams("Invalid params: cursor out of range");
            }
        }
        int to = Math.min(items.size(), from + settings.pageSize());
        int start = from;
        return g -> {
            g.writeStartObject();
            g.writeArrayFieldStart(field);
            for (int i = start; i < to; i++) {
                g.writeRawValue(items.get(i));
            }
            g.writeEndArray();
            if (to < items.size()) {
                g.writeStringField("nextCursor", encodeCursor(to));
            }
            g.writeEndObject();
        };
    }

    static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("o:" + offset).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static int decodeCursor(JsonNode cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor.asText()),
                    java.nio.charset.StandardCharsets.US_ASCII);
            if (s.startsWith("o:")) {
                int v = Integer.parseInt(s.substring(2));
                if (v >= 0) {
                    return v;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error
        }
        throw McpException.invalidParams("Invalid params: invalid cursor");
    }

    // ------------------------------------------------------------------ handler invocation

    /** A handler invocation that yields a result writer. */
    @FunctionalInterface
    private interface Invocation {
        CompletionStage<Json.Writer> run(Call call);
    }

    /**
     * Runs a handler on the pool, through the request gate when there is one; registers the call for
     * cancellation and suppresses its response once cancelled.
     */
    private CompletableFuture<byte[]> invoke(Session s, JsonNode id, Call call, String key, Invocation inv) {
        String rkey = Rpc.key(id);
        s.running().put(rkey, call);
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        RequestGate g = gate.get();
        CompletionStage<RequestGate.Permit> admitted = g == null ? null : g.admit(key);
        Runnable start = () -> {
            try {
                call.task(handlers.submit(() -> {
                    CompletionStage<Json.Writer> stage;
                    try {
                        stage = inv.run(call);
                    } catch (Throwable t) { // the handler threw instead of failing its stage
                        stage = CompletableFuture.failedFuture(t);
                    }
                    stage.whenComplete((w, e) -> out.complete(respond(id, call, w, e)));
                }));
            } catch (RejectedExecutionException e) {
                out.complete(Rpc.error(id, ErrorCodes.INTERNAL_ERROR, "Server busy: too many requests", null));
            }
        };
        if (admitted == null) {
            start.run();
        } else {
            admitted.thenAccept(permit -> {
                out.whenComplete((r, e) -> permit.close());
                start.run();
            });
        }
        call.onCancel(() -> out.complete(null));
        return out.thenApply(r -> {
            s.finished(rkey, call);
            return call.isCancelled() ? null : r;
        });
    }

    private static byte[] respond(JsonNode id, Call call, Json.Writer w, Throwable e) {
        if (call.isCancelled()) {
            return null;
        }
        if (e == null) {
            try {
                return Rpc.result(id, w);
            } catch (RuntimeException ex) {
                e = ex;
            }
        }
        Throwable cause = unwrap(e);
        if (cause instanceof McpException me) {
            return Rpc.error(id, me.code(), me.getMessage(), me.data());
        }
        LOG.warn("Handler failed", cause);
        return Rpc.error(id, ErrorCodes.INTERNAL_ERROR, "Internal error: " + message(cause), null);
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static String message(Throwable t) {
        if (t instanceof CancellationException) {
            return "cancelled";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ------------------------------------------------------------------ tools

    private CompletableFuture<byte[]> callTool(Session s, JsonNode id, JsonNode params, MessageChannel ch) {
        String name = requiredString(params, "name");
        Catalog.ToolEntry entry = catalog.snapshot().tools().get(name);
        if (entry == null && gate.get() == null) {
            throw McpException.invalidParams("Unknown tool: " + name);
        }
        // A tool missing now may be mid-reload: the gate holds UNKNOWN calls through every swap, and the
        // lookup after admission decides whether it is really unknown.
        String key = entry != null ? entry.key() : RequestGate.UNKNOWN;
        JsonNode a = params.get("arguments");
        ObjectNode args = a != null && a.isObject() ? (ObjectNode) a : Json.object();
        boolean badType = a != null && !a.isNull() && !a.isObject();
        Invocation inv = c -> {
            // Look the handler up again: the gate may have held us through a reload.
            Catalog.ToolEntry e = catalog.snapshot().tools().get(name);
            if (e == null) {
                throw McpException.invalidParams("Unknown tool: " + name);
            }
            if (badType) {
                return CompletableFuture.completedFuture(errorResult("Invalid arguments for tool " + name
                        + ": arguments must be an object"));
            }
            if (e.input() != null) {
                List<String> errors = Schemas.validate(e.input(), args);
                if (!errors.isEmpty()) {
                    return CompletableFuture.completedFuture(errorResult("Invalid arguments for tool " + name
                            + ": " + String.join("; ", errors)));
                }
            }
            CompletionStage<CallToolResult> r;
            try {
                r = e.tool().call(c, c);
            } catch (McpException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                r = CompletableFuture.failedFuture(ex);
            }
            return r.handle((res, ex) -> {
                if (ex != null) {
                    Throwable cause = unwrap(ex);
                    if (cause instanceof McpException me) {
                        throw me;
                    }
                    return errorResult(message(cause));
                }
                return toolResult(e, res);
            });
        };
        if (TASKS_VERSION.equals(s.version) && entry != null) {
            // Older sessions were offered no tasks capability: they get a plain call, task field or not.
            String support = entry.def().taskSupport();
            JsonNode task = params.get("task");
            if (task != null && !task.isNull()) {
                if (!task.isObject()) {
                    throw McpException.invalidParams("Invalid params: task must be an object");
                }
                if (!"optional".equals(support) && !"required".equals(support)) {
                    throw new McpException(ErrorCodes.METHOD_NOT_FOUND, "Tool " + name
                            + " does not support task-augmented calls (execution.taskSupport: "
                            + (support == null ? "absent" : support) + ")");
                }
                return startTask(s, id, params, task, name, args, entry.key(), inv, ch);
            }
            if ("required".equals(support)) {
                throw new McpException(ErrorCodes.METHOD_NOT_FOUND, "Tool " + name
                        + " must be called as a task (execution.taskSupport: required)");
            }
        }
        Call call = new Call(s, id, ch, params, name, args);
        return invoke(s, id, call, key, inv);
    }

    // ------------------------------------------------------------------ tasks (2025-11-25, experimental)

    private CompletableFuture<byte[]> startTask(Session s, JsonNode id, JsonNode params, JsonNode taskParams,
            String name, ObjectNode args, String key, Invocation inv, MessageChannel ch) {
        long max = settings.taskMaxTtl().toMillis();
        long ttl = max;
        JsonNode requested = taskParams.get("ttl");
        if (requested != null && !requested.isNull()) {
            if (!requested.isNumber() || requested.asDouble() < 0) {
                throw McpException.invalidParams("Invalid params: task.ttl must be a non-negative number");
            }
            ttl = Math.max(1, Math.min(max, requested.asLong()));
        }
        if (s.tasks().size() >= settings.maxTasksPerSession()) {
            throw new McpException(ErrorCodes.INTERNAL_ERROR, "Too many tasks: the session holds "
                    + s.tasks().size() + " (limit " + settings.maxTasksPerSession() + ")");
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String tid = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        TaskState t = new TaskState(tid, s.nextTaskSeq(), ttl, settings.taskPollInterval().toMillis());
        s.tasks().put(tid, t);
        try {
            t.expiry = timer.schedule(() -> expireTask(s, t), ttl, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Task {} gets no expiry: engine stopping", tid);
        }
        // Written before the handler starts, so the client always sees the task begin as working.
        byte[] created = Rpc.result(id, g -> {
            g.writeStartObject();
            g.writeFieldName("task");
            t.writer().write(g);
            g.writeEndObject();
        });
        Call call = new Call(s, id, ch, params, name, args);
        call.taskState = t;
        t.call = call;
        invoke(s, TextNode.valueOf("erlmcp-task:" + tid), call, key, inv)
                .whenComplete((response, e) -> finishTask(s, t, response, e));
        return CompletableFuture.completedFuture(created);
    }

    private void finishTask(Session s, TaskState t, byte[] response, Throwable e) {
        t.call = null;
        boolean changed;
        if (e != null) {
            changed = t.finish(null, Json.tree("{\"code\":" + ErrorCodes.INTERNAL_ERROR + ",\"message\":"
                    + Json.string(g -> g.writeString("Internal error: " + message(unwrap(e)))) + "}"), message(e));
        } else if (response == null) {
            changed = t.transition(TaskState.CANCELLED, "The task was cancelled.");
        } else {
            JsonNode msg = Json.tree(new String(response, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode err = msg.get("error");
            if (err != null) {
                changed = t.finish(null, err, err.path("message").asText("failed"));
            } else {
                JsonNode r = msg.get("result");
                String failure = null;
                if (r.path("isError").asBoolean(false)) {
                    failure = r.path("content").path(0).path("text").asText("The tool reported an error.");
                }
                changed = t.finish(r, null, failure);
            }
        }
        if (changed) {
            notifyStatus(s, t);
        }
    }

    /** {@code notifications/tasks/status} on the standalone channel; optional for receivers, so best effort. */
    private static void notifyStatus(Session s, TaskState t) {
        try {
            s.sendStandalone(Rpc.notification("notifications/tasks/status", t.writer()), MessageKind.NOTIFICATION);
        } catch (RuntimeException e) {
            LOG.debug("Session {}: task status notification failed: {}", s.id, e.toString());
        }
    }

    private void expireTask(Session s, TaskState t) {
        s.tasks().remove(t.id, t);
        if (t.transition(TaskState.CANCELLED, "The task expired.")) {
            Call c = t.call;
            if (c != null) {
                c.cancel("task expired");
            }
        }
    }

    private static void requireTasks(Session s) {
        if (!TASKS_VERSION.equals(s.version)) {
            throw new McpException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: tasks need protocol version "
                    + TASKS_VERSION + "; the session speaks " + s.version);
        }
    }

    private static TaskState task(Session s, JsonNode params) {
        requireTasks(s);
        TaskState t = s.tasks().get(requiredString(params, "taskId"));
        if (t == null) {
            throw McpException.invalidParams("Failed to retrieve task: Task not found");
        }
        return t;
    }

    /** Answers once the task is terminal, with exactly what the tool call would have answered. */
    private static CompletableFuture<byte[]> taskResult(Session s, JsonNode id, TaskState t, MessageChannel ch) {
        if (!t.isTerminal()) {
            t.resultChannel = ch; // the task's requests (elicitation, sampling) reach the waiting client here
        }
        return t.terminal.thenApply(v -> {
            if (t.resultChannel == ch) {
                t.resultChannel = null;
            }
            JsonNode err = t.error();
            JsonNode r = t.result();
            if (r != null) {
                ObjectNode copy = (ObjectNode) r.deepCopy();
                t.relate(copy);
                return Rpc.result(id, g -> g.writeTree(copy));
            }
            if (err != null) {
                return Rpc.error(id, err.path("code").asInt(ErrorCodes.INTERNAL_ERROR),
                        err.path("message").asText(""), err.get("data"));
            }
            // Cancelled (or expired) before an outcome: there is no result to return.
            return Rpc.error(id, ErrorCodes.INTERNAL_ERROR, "Task " + t.id + " was cancelled; it has no result",
                    JsonText.of("{\"taskId\":" + Json.string(g -> g.writeString(t.id))
                            + ",\"status\":\"cancelled\"}"));
        });
    }

    private Json.Writer listTasks(Session s, JsonNode params) {
        requireTasks(s);
        long after = 0;
        JsonNode cursor = params == null ? null : params.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            after = decodeCursor(cursor);
        }
        long from = after;
        List<TaskState> all = s.tasks().values().stream().filter(t -> t.seq > from)
                .sorted(java.util.Comparator.comparingLong(t -> t.seq)).toList();
        List<TaskState> page = all.subList(0, Math.min(all.size(), settings.pageSize()));
        boolean more = all.size() > page.size();
        return g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("tasks");
            for (TaskState t : page) {
                t.writer().write(g);
            }
            g.writeEndArray();
            if (more) {
                g.writeStringField("nextCursor", encodeCursor((int) page.get(page.size() - 1).seq));
            }
            g.writeEndObject();
        };
    }

    private static TaskState cancelTask(Session s, TaskState t) {
        if (!t.transition(TaskState.CANCELLED, "The task was cancelled by request.")) {
            throw McpException.invalidParams("Cannot cancel task: already in terminal status '" + t.status() + "'");
        }
        Call c = t.call;
        if (c != null) {
            c.cancel("task cancelled");
        }
        notifyStatus(s, t);
        return t;
    }

    private static Json.Writer errorResult(String text) {
        return toolResultWriter(CallToolResult.error(text), null);
    }

    private static Json.Writer toolResult(Catalog.ToolEntry e, CallToolResult res) {
        if (res == null) {
            return errorResult("Tool " + e.def().name() + " returned no result");
        }
        JsonNode structured = null;
        if (res.structuredContent() != null) {
            try {
                structured = Json.toTree(res.structuredContent());
            } catch (RuntimeException ex) {
                return errorResult("Tool " + e.def().name() + " returned invalid structuredContent: "
                        + ex.getMessage());
            }
        }
        if (e.output() != null && !res.isError()) {
            if (structured == null) {
                return errorResult("Tool " + e.def().name()
                        + " declares an outputSchema but returned no structuredContent");
            }
            List<String> errors = Schemas.validate(e.output(), structured);
            if (!errors.isEmpty()) {
                return errorResult("Tool " + e.def().name() + " returned structuredContent that does not match "
                        + "its outputSchema: " + String.join("; ", errors));
            }
        }
        return toolResultWriter(res, structured);
    }

    private static Json.Writer toolResultWriter(CallToolResult res, JsonNode structured) {
        return g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("content");
            for (Content c : res.content()) {
                Json.content(g, c);
            }
            g.writeEndArray();
            if (structured != null) {
                g.writeFieldName("structuredContent");
                if (res.structuredContent() instanceof io.erlmcp.mcp.JsonText t) {
                    g.writeRawValue(t.json());
                } else {
                    g.writeTree(structured);
                }
            }
            if (res.isError()) {
                g.writeBooleanField("isError", true);
            }
            Json.anyField(g, "_meta", res.meta());
            g.writeEndObject();
        };
    }

    // ------------------------------------------------------------------ resources

    private CompletableFuture<byte[]> readResource(Session s, JsonNode id, JsonNode params, MessageChannel ch) {
        String uri = requiredString(params, "uri");
        Catalog.Snapshot snap = catalog.snapshot();
        Catalog.ProviderEntry p = snap.resources().get(uri);
        String key;
        Map<String, String> vars = null;
        if (p != null) {
            key = p.key();
        } else {
            Catalog.TemplateEntry t = matchTemplate(snap, uri);
            if (t == null) {
                throw McpException.resourceNotFound(uri);
            }
            key = t.key();
            vars = t.matcher().match(uri);
        }
        Map<String, String> variables = vars;
        Call call = new Call(s, id, ch, params, null, null);
        return invoke(s, id, call, key, c -> {
            Catalog.Snapshot now = catalog.snapshot();
            Catalog.ProviderEntry pe = now.resources().get(uri);
            CompletionStage<List<ResourceContents>> r;
            if (pe != null) {
                r = pe.provider().read(uri, c);
            } else {
                Catalog.TemplateEntry t = matchTemplate(now, uri);
                if (t == null) {
                    throw McpException.resourceNotFound(uri);
                }
                r = t.template().read(uri, variables == null ? t.matcher().match(uri) : variables, c);
            }
            return r.thenApply(list -> {
                if (list == null || list.isEmpty()) {
                    throw McpException.resourceNotFound(uri);
                }
                return (Json.Writer) g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("contents");
                    for (ResourceContents rc : list) {
                        Json.resourceContents(g, rc);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                };
            });
        });
    }

    private static Catalog.TemplateEntry matchTemplate(Catalog.Snapshot snap, String uri) {
        for (Catalog.TemplateEntry t : snap.templates()) {
            if (t.matcher().match(uri) != null) {
                return t;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ prompts

    private CompletableFuture<byte[]> getPrompt(Session s, JsonNode id, JsonNode params, MessageChannel ch) {
        String name = requiredString(params, "name");
        Catalog.PromptEntry entry = catalog.snapshot().prompts().get(name);
        if (entry == null) {
            throw McpException.invalidParams("Invalid params: unknown prompt: " + name);
        }
        Map<String, String> args = new HashMap<>();
        JsonNode a = params.get("arguments");
        if (a != null && a.isObject()) {
            a.fields().forEachRemaining(f -> args.put(f.getKey(), f.getValue().isValueNode()
                    ? f.getValue().asText() : Json.text(f.getValue())));
        } else if (a != null && !a.isNull()) {
            throw McpException.invalidParams("Invalid params: arguments must be an object");
        }
        for (PromptArgument arg : entry.def().arguments()) {
            if (arg.required() && !args.containsKey(arg.name())) {
                throw McpException.invalidParams("Invalid params: missing required argument '" + arg.name()
                        + "' of prompt " + name);
            }
        }
        Map<String, String> frozen = Map.copyOf(args);
        Call call = new Call(s, id, ch, params, null, null);
        return invoke(s, id, call, entry.key(), c -> {
            Catalog.PromptEntry e = catalog.snapshot().prompts().get(name);
            if (e == null) {
                throw McpException.invalidParams("Invalid params: unknown prompt: " + name);
            }
            return e.prompt().get(frozen, c).thenApply(Engine::promptResult);
        });
    }

    private static Json.Writer promptResult(GetPromptResult r) {
        return g -> {
            g.writeStartObject();
            Json.field(g, "description", r.description());
            g.writeArrayFieldStart("messages");
            for (PromptMessage m : r.messages()) {
                g.writeStartObject();
                g.writeStringField("role", m.role().wireName());
                g.writeFieldName("content");
                Json.content(g, m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            Json.anyField(g, "_meta", r.meta());
            g.writeEndObject();
        };
    }

    // ------------------------------------------------------------------ completion

    private CompletableFuture<byte[]> complete(Session s, JsonNode id, JsonNode params, MessageChannel ch) {
        JsonNode ref = params == null ? null : params.get("ref");
        JsonNode argument = params == null ? null : params.get("argument");
        if (ref == null || !ref.isObject() || argument == null || !argument.isObject()) {
            throw McpException.invalidParams("Invalid params: ref and argument are required");
        }
        String type = ref.path("type").asText("");
        String refName;
        if (CompletionRequest.REF_PROMPT.equals(type)) {
            refName = requiredString(ref, "name");
        } else if (CompletionRequest.REF_RESOURCE.equals(type)) {
            refName = requiredString(ref, "uri");
        } else {
            throw McpException.invalidParams("Invalid params: unknown ref type " + type);
        }
        String argName = requiredString(argument, "name");
        String value = argument.path("value").asText("");
        Map<String, String> context = new HashMap<>();
        params.path("context").path("arguments").fields()
                .forEachRemaining(f -> context.put(f.getKey(), f.getValue().asText()));
        Catalog.CompleterEntry found = null;
        for (Catalog.CompleterEntry c : catalog.snapshot().completers()) {
            if (type.equals(c.refType()) && refName.equals(c.refName())) {
                found = c;
                break;
            }
        }
        if (found == null) {
            return done(id, completion(Completion.EMPTY));
        }
        CompletionRequest req = new CompletionRequest(type, refName, argName, value, context);
        Catalog.CompleterEntry entry = found;
        Call call = new Call(s, id, ch, params, null, null);
        return invoke(s, id, call, entry.key(),
                c -> entry.completer().complete(req, c).thenApply(Engine::completion));
    }

    private static Json.Writer completion(Completion c) {
        Completion comp = c == null ? Completion.EMPTY : c;
        List<String> values = comp.values();
        boolean truncated = values.size() > MAX_COMPLETIONS;
        List<String> sent = truncated ? values.subList(0, MAX_COMPLETIONS) : values;
        return g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("completion");
            g.writeArrayFieldStart("values");
            for (String v : sent) {
                g.writeString(v);
            }
            g.writeEndArray();
            Integer total = comp.total() != null ? comp.total() : truncated ? Integer.valueOf(values.size()) : null;
            if (total != null) {
                g.writeNumberField("total", total);
            }
            Boolean more = truncated ? Boolean.TRUE : comp.hasMore();
            if (more != null) {
                g.writeBooleanField("hasMore", more);
            }
            g.writeEndObject();
            g.writeEndObject();
        };
    }
}
