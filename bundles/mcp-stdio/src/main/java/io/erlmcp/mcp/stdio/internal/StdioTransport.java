// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.stdio.internal;

import java.io.InputStream;
import java.io.OutputStream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.McpServerEndpoint;

/**
 * Serves one MCP session on the process's stdin and stdout in {@code stdio} mode. The launcher registers those
 * streams as services with {@code erlmcp.stdio=true} only in that mode, so in every other mode this component
 * stays unsatisfied. When stdin ends the session closes and the framework stops, so {@code bin/erlmcp stdio} exits.
 */
@Component(service = {}, configurationPid = StdioTransport.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true) // no service: the component exists to run the connection
@Designate(ocd = StdioTransport.Config.class)
public final class StdioTransport {

    static final String PID = "io.erlmcp.mcp.stdio";
    static final String STDIO_TARGET = "(erlmcp.stdio=true)";

    @ObjectClassDefinition(name = "erlmcp MCP stdio", description = "The stdio transport (bin/erlmcp stdio)")
    public @interface Config {
        @AttributeDefinition(name = "Line limit", description = "Longest input line in bytes; longer ones are refused")
        int max_line_bytes() default 16 << 20;

        @AttributeDefinition(name = "Stop on EOF", description = "Stop the framework when stdin ends")
        boolean stop_on_eof() default true;
    }

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

    private final StdioConnection connection;

    @Activate
    public StdioTransport(@Reference McpServerEndpoint endpoint,
            @Reference(target = STDIO_TARGET) InputStream in,
            @Reference(target = STDIO_TARGET) OutputStream out,
            Config config, BundleContext context) {
        if (config.max_line_bytes() <= 0) {
            throw new IllegalArgumentException("io.erlmcp.mcp.stdio max_line_bytes must be positive, not "
                    + config.max_line_bytes());
        }
        boolean stop = config.stop_on_eof();
        connection = new StdioConnection(endpoint, in, out, config.max_line_bytes(), () -> {
            if (stop) {
                stopFramework(context);
            }
        });
        connection.start();
        LOG.debug("stdio session started");
    }

    @Deactivate
    void deactivate() {
        connection.stop();
    }

    private static void stopFramework(BundleContext context) {
        LOG.info("stdin closed; stopping");
        try {
            context.getBundle(0).stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Could not stop the framework after stdin closed", e);
        }
    }
}
