// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import io.erlmcp.drain.RequestGate;
import io.erlmcp.health.HealthCheck;
import io.erlmcp.health.HealthResult;
import io.erlmcp.mcp.Completer;
import io.erlmcp.mcp.Prompt;
import io.erlmcp.mcp.ResourceProvider;
import io.erlmcp.mcp.ResourceTemplate;
import io.erlmcp.mcp.ResourceUpdates;
import io.erlmcp.mcp.SessionInfo;
import io.erlmcp.mcp.SessionRegistry;
import io.erlmcp.mcp.SessionStats;
import io.erlmcp.mcp.Tool;
import io.erlmcp.session.SessionStore;
import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * The engine as a DS component: the endpoint transports bind to, the session registry, resource updates and the
 * {@code session} health check; picks up tools, resources, templates, prompts and completers (whiteboard).
 */
@Component(service = { McpServerEndpoint.class, SessionRegistry.class, ResourceUpdates.class, HealthCheck.class },
        configurationPid = "io.erlmcp.engine", property = HealthCheck.NAME + "=session")
@Designate(ocd = EngineConfig.class)
public final class EngineComponent implements McpServerEndpoint, SessionRegistry, ResourceUpdates, HealthCheck {

    private final Engine engine;
    private final ThreadPoolExecutor handlers;
    private final ScheduledExecutorService timer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RequestGate gate;

    /** Where sessions outlive this instance (engine reload); without one, sessions end with it. */
    private volatile SessionStore store;

    @Activate
    public EngineComponent(EngineConfig config, BundleContext context) {
        int pool = config.handler_pool_size();
        if (pool < 1 || config.handler_queue_size() < 1) {
            throw new IllegalArgumentException("handler.pool.size and handler.queue.size must be positive");
        }
        String version = config.server_version().isEmpty()
                ? context.getBundle().getVersion().toString() : config.server_version();
        Engine.Settings settings = new Engine.Settings(config.server_name(),
                config.server_title().isEmpty() ? null : config.server_title(), version, config.instructions(),
                config.page_size(), Duration.ofSeconds(Math.max(0, config.idle_timeout_seconds())),
                Duration.ofSeconds(Math.max(1, config.client_request_timeout_seconds())),
                Duration.ofSeconds(Math.max(1, config.task_max_ttl_seconds())),
                Duration.ofMillis(Math.max(0, config.task_poll_interval_ms())), config.task_max_per_session());
        this.handlers = new ThreadPoolExecutor(pool, pool, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.handler_queue_size()), threads("erlmcp-handler-"));
        this.handlers.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("erlmcp-engine-timer-"));
        this.engine = new Engine(settings, handlers, timer, () -> gate, () -> store);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Deactivate
    void deactivate() {
        engine.shutdown();
        handlers.shutdownNow();
        timer.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetStore")
    void setStore(SessionStore s) {
        store = s;
        engine.restoreAll(); // the sessions a previous engine instance served go on here
    }

    void unsetStore(SessionStore s) {
        if (store == s) {
            store = null;
        }
    }

    private static String key(ServiceReference<?> ref) {
        return ref.getBundle() == null ? "unknown" : ref.getBundle().getSymbolicName();
    }

    // ---- whiteboard

    @Reference(service = Tool.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeTool")
    void addTool(Tool tool, ServiceReference<Tool> ref) {
        engine.addTool(tool, key(ref));
    }

    void removeTool(Tool tool) {
        engine.removeTool(tool);
    }

    @Reference(service = ResourceProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeResourceProvider")
    void addResourceProvider(ResourceProvider p, ServiceReference<ResourceProvider> ref) {
        engine.addResourceProvider(p, key(ref));
    }

    void removeResourceProvider(ResourceProvider p) {
        engine.removeResourceProvider(p);
    }

    @Reference(service = ResourceTemplate.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeResourceTemplate")
    void addResourceTemplate(ResourceTemplate t, ServiceReference<ResourceTemplate> ref) {
        engine.addResourceTemplate(t, key(ref));
    }

    void removeResourceTemplate(ResourceTemplate t) {
        engine.removeResourceTemplate(t);
    }

    @Reference(service = Prompt.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removePrompt")
    void addPrompt(Prompt p, ServiceReference<Prompt> ref) {
        engine.addPrompt(p, key(ref));
    }

    void removePrompt(Prompt p) {
        engine.removePrompt(p);
    }

    @Reference(service = Completer.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeCompleter")
    void addCompleter(Completer c, ServiceReference<Completer> ref) {
        engine.addCompleter(c, key(ref));
    }

    void removeCompleter(Completer c) {
        engine.removeCompleter(c);
    }

    // ---- services, delegated

    @Override
    public Inbound parse(byte[] frame) {
        return engine.parse(frame);
    }

    @Override
    public ServerSession open(TransportInfo transport, MessageChannel standalone) {
        return engine.open(transport, standalone);
    }

    @Override
    public Optional<ServerSession> find(String sessionId) {
        return engine.find(sessionId);
    }

    @Override
    public List<SessionInfo> list() {
        return engine.list();
    }

    @Override
    public Optional<SessionInfo> get(String id) {
        return engine.get(id);
    }

    @Override
    public boolean terminate(String id) {
        return engine.terminate(id);
    }

    @Override
    public SessionStats stats() {
        return engine.stats();
    }

    @Override
    public void resourceUpdated(String uri) {
        engine.resourceUpdated(uri);
    }

    @Override
    public void resourcesListChanged() {
        engine.resourcesListChanged();
    }

    @Override
    public HealthResult check() {
        SessionStats s = engine.stats();
        return HealthResult.healthy(Map.of("active_sessions", s.active(), "in_flight", s.inFlight(),
                "handler_queue", handlers.getQueue().size(), "opened", s.opened(), "expired", s.expired()));
    }
}
