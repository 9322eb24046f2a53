// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The runbook's {@code erlmcp_server:disconnect(ConnectionId)}: ends one connection's session. */
@Component(service = DisconnectCommands.class, property = {
        "osgi.command.scope=erlmcp_server",
        "osgi.command.function=disconnect" })
public final class DisconnectCommands {

    private final Sessions sessions;

    @Activate
    public DisconnectCommands(@Reference Sessions sessions) {
        this.sessions = sessions;
    }

    @Descriptor("closes a connection: ends its session (the id erlmcp_registry:list shows)")
    public Map<String, Object> disconnect(@Descriptor("the session id") String id) {
        return sessions.terminate(id, "disconnected from the console");
    }
}
