// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.erlmcp.mcp.SessionStats;

/** The runbook's {@code erlmcp_session:list()}, {@code get(Id)}, {@code terminate(Id, Reason)} and {@code stats()}. */
@Component(service = SessionCommands.class, property = {
        "osgi.command.scope=erlmcp_session",
        "osgi.command.function=list",
        "osgi.command.function=get",
        "osgi.command.function=terminate",
        "osgi.command.function=stats" })
public final class SessionCommands {

    private final Sessions sessions;

    @Activate
    public SessionCommands(@Reference Sessions sessions) {
        this.sessions = sessions;
    }

    @Descriptor("every open session: id, transport, peer, protocol version, client, age, idle time, requests")
    public List<Map<String, Object>> list() {
        return sessions.rows(null);
    }

    @Descriptor("the open sessions of one transport")
    public List<Map<String, Object>> list(@Descriptor("http, sse, ws, tcp or stdio") String transport) {
        return sessions.rows(transport);
    }

    @Descriptor("one session's details")
    public Map<String, Object> get(@Descriptor("the session id, as erlmcp_session:list shows it") String id) {
        return sessions.row(id);
    }

    @Descriptor("ends a session: its running requests are cancelled, its connection or streams closed")
    public Map<String, Object> terminate(@Descriptor("the session id") String id) {
        return sessions.terminate(id, "operator request");
    }

    @Descriptor("ends a session, with the reason written to the log")
    public Map<String, Object> terminate(@Descriptor("the session id") String id,
            @Descriptor("why, for the log") String reason) {
        return sessions.terminate(id, reason);
    }

    @Descriptor("session counters since the engine started, and open sessions per transport")
    public Map<String, Object> stats() {
        SessionStats stats = sessions.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", stats.active());
        out.put("opened", stats.opened());
        out.put("closed", stats.closed());
        out.put("expired", stats.expired());
        out.put("in_flight", stats.inFlight());
        out.put("requests", stats.requests());
        out.put("by_transport", sessions.countByTransport());
        return out;
    }
}
