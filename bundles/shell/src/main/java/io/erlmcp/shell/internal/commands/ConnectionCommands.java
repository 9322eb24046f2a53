// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The runbook's connection management (section 4.2): {@code erlmcp_registry:count(transport)},
 * {@code list(transport)} and {@code info()}. Every connection carries one MCP session (Streamable HTTP sessions
 * span requests rather than a connection), so connections are counted and listed as sessions.
 */
@Component(service = ConnectionCommands.class, property = {
        "osgi.command.scope=erlmcp_registry",
        "osgi.command.function=count",
        "osgi.command.function=list",
        "osgi.command.function=info" })
public final class ConnectionCommands {

    private final Sessions sessions;

    @Activate
    public ConnectionCommands(@Reference Sessions sessions) {
        this.sessions = sessions;
    }

    @Descriptor("open sessions per transport")
    public Map<String, Integer> count() {
        return sessions.countByTransport();
    }

    @Descriptor("open sessions of one transport")
    public int count(@Descriptor("http, sse, ws, tcp or stdio") String transport) {
        return sessions.countByTransport().getOrDefault(transport, 0);
    }

    @Descriptor("every open session")
    public List<Map<String, Object>> list() {
        return sessions.rows(null);
    }

    @Descriptor("the open sessions of one transport")
    public List<Map<String, Object>> list(@Descriptor("http, sse, ws, tcp or stdio") String transport) {
        return sessions.rows(transport);
    }

    @Descriptor("sessions in all, per transport, and requests running now")
    public Map<String, Object> info() {
        Map<String, Integer> byTransport = sessions.countByTransport();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", byTransport.values().stream().mapToInt(Integer::intValue).sum());
        out.put("by_transport", byTransport);
        out.put("in_flight", sessions.stats().inFlight());
        return out;
    }
}
