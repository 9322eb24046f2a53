// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code erlmcp_transport_<name>:disconnect_all} for every transport: the runbook's
 * {@code erlmcp_transport_tcp:disconnect_all()}, and the same for {@code ws}, {@code sse}, {@code http} and
 * {@code stdio}. One command object per transport, each registered under its own scope.
 */
@Component(immediate = true)
public final class TransportCommands {

    /** The transports' names, as sessions report them. */
    static final List<String> TRANSPORTS = List.of("tcp", "ws", "sse", "http", "stdio");

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public TransportCommands(BundleContext context, @Reference Sessions sessions) {
        for (String transport : TRANSPORTS) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("osgi.command.scope", "erlmcp_transport_" + transport);
            props.put("osgi.command.function", new String[] {"disconnect_all"});
            registrations.add(context.registerService(Object.class, new Disconnect(sessions, transport), props));
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework has taken it back already
            }
        }
    }

    /** One transport's command object. */
    public static final class Disconnect {
        private final Sessions sessions;
        private final String transport;

        Disconnect(Sessions sessions, String transport) {
            this.sessions = sessions;
            this.transport = transport;
        }

        @Descriptor("closes every connection of this transport (ends their sessions)")
        public Map<String, Object> disconnect_all() {
            List<String> ended = sessions.terminateAll(transport,
                    "all " + transport + " connections closed from the console");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("transport", transport);
            out.put("disconnected", ended.size());
            return out;
        }
    }
}
