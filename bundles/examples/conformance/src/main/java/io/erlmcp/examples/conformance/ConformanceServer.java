// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.examples.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.erlmcp.mcp.Completer;
import io.erlmcp.mcp.Prompt;
import io.erlmcp.mcp.ResourceProvider;
import io.erlmcp.mcp.ResourceTemplate;
import io.erlmcp.mcp.ResourceUpdates;
import io.erlmcp.mcp.Tool;

/**
 * Registers the conformance handlers as whiteboard services and signals an update of
 * {@code test://watched-resource} every few seconds to its subscribers.
 */
@Component(service = {}, immediate = true) // no service of its own: it registers the handlers
public final class ConformanceServer {

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "erlmcp-conformance-watch");
        t.setDaemon(true);
        return t;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ResourceUpdates updates;

    @Activate
    public ConformanceServer(BundleContext context) {
        for (Object h : ConformanceHandlers.all()) {
            Class<?> type = h instanceof Tool ? Tool.class : h instanceof Prompt ? Prompt.class
                    : h instanceof ResourceProvider ? ResourceProvider.class
                    : h instanceof ResourceTemplate ? ResourceTemplate.class : Completer.class;
            registrations.add(context.registerService(type.getName(), h, null));
        }
        timer.scheduleWithFixedDelay(this::touchWatched, 5, 5, TimeUnit.SECONDS);
    }

    private void touchWatched() {
        try {
            ResourceUpdates u = updates;
            if (u != null) {
                u.resourceUpdated(ConformanceHandlers.WATCHED);
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ConformanceServer.class).warn("resource update failed", e);
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already unregistered with the bundle
                org.slf4j.LoggerFactory.getLogger(ConformanceServer.class).debug("already unregistered", e);
            }
        }
        registrations.clear();
    }
}
