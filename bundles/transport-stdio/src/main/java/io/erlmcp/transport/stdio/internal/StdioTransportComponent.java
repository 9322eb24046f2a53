// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.stdio.internal;

import java.io.InputStream;
import java.io.OutputStream;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.transport.McpServerEndpoint;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one MCP session over the process's stdin/stdout when the node runs as {@code bin/erlmcp stdio}: the
 * launcher sets the framework property {@code erlmcp.mode=stdio} and registers the original streams as
 * {@link InputStream} and {@link OutputStream} services with {@code erlmcp.stdio=true}. When stdin ends (the
 * client closed it) the session closes and the framework stops, so the process exits.
 *
 * <p>Known limit: if this component is re-activated while the node runs (the engine bundle is refreshed), the
 * old reader thread stays blocked on stdin and the session ends; a stdio client then has to restart the server.
 */
// Unsatisfied outside stdio mode (no stream services): optional for the node's components health check.
@Component(service = {}, configurationPid = StdioTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = HealthCheck.OPTIONAL_COMPONENT + ":Boolean=true")
@Designate(ocd = Config.class)
public class StdioTransportComponent {

    static final String PID = "io.erlmcp.transport.stdio";
    /** Framework property naming the launch mode; the transport runs only in {@value #STDIO_MODE}. */
    static final String MODE_PROPERTY = "erlmcp.mode";
    static final String STDIO_MODE = "stdio";

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransportComponent.class);

    private final StdioConnection connection;

    @Activate
    public StdioTransportComponent(BundleContext context, @Reference McpServerEndpoint endpoint,
            @Reference(name = "in", target = "(erlmcp.stdio=true)") InputStream in,
            @Reference(name = "out", target = "(erlmcp.stdio=true)") OutputStream out, Config config) {
        if (!STDIO_MODE.equals(context.getProperty(MODE_PROPERTY))) {
            LOG.info("{} is not {}; the stdio transport stays off", MODE_PROPERTY, STDIO_MODE);
            this.connection = null;
            return;
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        this.connection = new StdioConnection(endpoint, in, out, config.max_line_bytes(), config.queue_messages(),
                config.eof_grace_ms(), () -> stopFramework(system));
        connection.start();
    }

    private static void stopFramework(Bundle system) {
        LOG.info("The stdio client is gone; stopping the node");
        try {
            system.stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.error("Stopping the framework failed", e);
        }
    }

    @Deactivate
    void deactivate() {
        if (connection != null) {
            connection.close();
        }
    }
}
