// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.mcp.Implementation;
import io.erlmcp.mcp.SessionInfo;
import io.erlmcp.mcp.SessionRegistry;
import io.erlmcp.mcp.SessionStats;

/**
 * The engine's sessions as the console shows them, shared by the {@code erlmcp_session}, {@code erlmcp_registry},
 * {@code erlmcp_server} and {@code erlmcp_transport_*} commands. The engine is optional: without it every call
 * fails with a message that says so, rather than the commands disappearing from the shell.
 */
@Component(service = Sessions.class)
public final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SessionRegistry registry;

    private final Clock clock;

    public Sessions() {
        this.clock = Clock.systemUTC();
    }

    /** For tests: a registry and a clock. */
    Sessions(SessionRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    SessionRegistry registry() {
        SessionRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("the MCP engine is not running, so there are no sessions "
                    + "(bundle io.erlmcp.engine; erlmcp:status shows its components)");
        }
        return r;
    }

    /** @return every open session, oldest first, as rows; only those of {@code transport} unless it is null */
    List<Map<String, Object>> rows(String transport) {
        Instant now = clock.instant();
        return registry().list().stream()
                .filter(s -> transport == null || transport.equals(s.transport()))
                .sorted((a, b) -> a.created().compareTo(b.created()))
                .map(s -> row(s, now))
                .toList();
    }

    /** @return one session's row, or an error naming the command that lists them */
    Map<String, Object> row(String id) {
        return row(registry().get(id).orElseThrow(() -> unknown(id)), clock.instant());
    }

    /** @return open sessions per transport, in name order */
    Map<String, Integer> countByTransport() {
        Map<String, Integer> counts = new TreeMap<>();
        for (SessionInfo s : registry().list()) {
            counts.merge(s.transport(), 1, Integer::sum);
        }
        return counts;
    }

    SessionStats stats() {
        return registry().stats();
    }

    /**
     * Ends a session from the server's side: its running requests are cancelled, and its transport closes the
     * connection (TCP, WebSocket) or ends its streams (HTTP, SSE).
     */
    Map<String, Object> terminate(String id, String reason) {
        SessionRegistry r = registry();
        SessionInfo info = r.get(id).orElseThrow(() -> unknown(id));
        if (!r.terminate(id)) {
            throw unknown(id); // ended meanwhile
        }
        LOG.info("Session {} ({}{}) terminated from the console: {}", id, info.transport(),
                info.remote() == null ? "" : " " + info.remote(), reason);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("terminated", id);
        out.put("transport", info.transport());
        out.put("reason", reason);
        out.put("cancelled_requests", info.inFlight());
        return out;
    }

    /** Terminates every open session of {@code transport}. @return the ids it ended */
    List<String> terminateAll(String transport, String reason) {
        SessionRegistry r = registry();
        List<String> ended = r.list().stream().filter(s -> transport.equals(s.transport())).map(SessionInfo::id)
                .filter(r::terminate).toList();
        LOG.info("{} {} session(s) terminated from the console: {}", ended.size(), transport, reason);
        return ended;
    }

    private static IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException("no open session '" + id + "'; erlmcp_session:list shows the open ones");
    }

    static Map<String, Object> row(SessionInfo s, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", s.id());
        row.put("transport", s.transport());
        if (s.remote() != null) {
            row.put("remote", s.remote());
        }
        row.put("protocol_version", s.protocolVersion() == null ? "(not initialized)" : s.protocolVersion());
        Implementation client = s.client();
        if (client != null) {
            row.put("client", client.version() == null ? client.name() : client.name() + " " + client.version());
        }
        row.put("created", s.created().toString());
        row.put("age_seconds", seconds(s.created(), now));
        row.put("idle_seconds", seconds(s.lastActive(), now));
        row.put("in_flight", s.inFlight());
        row.put("subscriptions", s.subscriptions());
        row.put("requests", s.requests());
        return row;
    }

    private static long seconds(Instant from, Instant now) {
        return Math.max(0, Duration.between(from, now).toSeconds());
    }
}
