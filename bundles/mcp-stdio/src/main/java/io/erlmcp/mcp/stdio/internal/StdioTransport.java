// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.stdio.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.health.HealthCheck;
import io.erlmcp.transport.McpServerEndpoint;

/**
 * Serves one MCP session on the process's stdin and stdout in {@code stdio} mode. The launcher registers those
 * streams as services with {@code erlmcp.stdio=true} only in that mode, so in every other mode this component
 * stays unsatisfied. When stdin ends the session closes and the framework stops, so {@code bin/erlmcp stdio} exits,
 * also when no engine ever came (a client that gives up must not leave a process behind).
 */
// Unsatisfied outside stdio mode (no stream services): optional for the node's components health check.
@Component(service = {}, configurationPid = StdioTransport.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = HealthCheck.OPTIONAL_COMPONENT + ":Boolean=true",
        immediate = true) // no service: the component exists to run the connection
@Designate(ocd = StdioTransport.Config.class)
public final class StdioTransport {

    static final String PID = "io.erlmcp.mcp.stdio";
    static final String STDIO_TARGET = "(erlmcp.stdio=true)";

    @ObjectClassDefinition(name = "erlmcp MCP stdio", description = "The stdio transport (bin/erlmcp stdio)")
    public @interface Config {
        @AttributeDefinition(name = "Line limit", description = "Longest input line in bytes; longer ones are refused")
        int max_line_bytes() default 16 << 20;

        @AttributeDefinition(name = "Engine wait",
                description = "Seconds a message waits for the MCP engine to start before it is refused")
        long engine_wait_seconds() default 30;

        @AttributeDefinition(name = "Stop on EOF", description = "Stop the framework when stdin ends")
        boolean stop_on_eof() default true;

        @AttributeDefinition(name = "Output queue", description = "Bytes of messages that may wait for the client "
                + "to read stdout; more ends the session as if stdin had ended (the process exits with stop_on_eof)")
        long queue_max_bytes() default StdioConnection.DEFAULT_QUEUE_MAX_BYTES;
    }

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

    private final StdioConnection connection;
    private final BundleContext context;
    private final FrameworkListener started;

    @Activate
    public StdioTransport(@Reference(target = STDIO_TARGET) InputStream in,
            @Reference(target = STDIO_TARGET) OutputStream out,
            Config config, BundleContext context) {
        if (config.max_line_bytes() <= 0) {
            throw new IllegalArgumentException("io.erlmcp.mcp.stdio max_line_bytes must be positive, not "
                    + config.max_line_bytes());
        }
        boolean stop = config.stop_on_eof();
        if (config.engine_wait_seconds() < 0) {
            throw new IllegalArgumentException("io.erlmcp.mcp.stdio engine_wait_seconds must not be negative, not "
                    + config.engine_wait_seconds());
        }
        if (config.queue_max_bytes() <= 0) {
            throw new IllegalArgumentException("io.erlmcp.mcp.stdio queue_max_bytes must be positive, not "
                    + config.queue_max_bytes());
        }
        connection = new StdioConnection(in, out, config.max_line_bytes(),
                TimeUnit.SECONDS.toMillis(config.engine_wait_seconds()), config.queue_max_bytes(), () -> {
            if (stop) {
                stopFramework(context);
            }
        });
        // Serve once the node has started every bundle (tools of later start levels included).
        started = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                connection.ready();
            }
        };
        this.context = context;
        context.addFrameworkListener(started);
        if (context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() == Bundle.ACTIVE) {
            connection.ready();
        }
        connection.start();
        LOG.debug("stdio transport started");
    }

    /** The engine may come later and may be replaced: the stdin reader waits for it and outlives it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEndpoint(McpServerEndpoint endpoint) {
        connection.endpoint(endpoint);
    }

    void unsetEndpoint(McpServerEndpoint endpoint) {
        connection.endpointGone(endpoint);
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(started);
        connection.stop();
    }

    private static void stopFramework(BundleContext context) {
        LOG.info("stdin closed; stopping");
        try {
            context.getBundle(Constants.SYSTEM_BUNDLE_ID).stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Could not stop the framework after stdin closed", e);
        }
    }
}
