// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import io.erlmcp.http.HttpWhiteboard;
import io.erlmcp.transport.McpServerEndpoint;
import org.eclipse.jetty.server.Handler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the Streamable HTTP endpoint on the node's HTTP server: a {@link Handler} service whose
 * {@value HttpWhiteboard#PATH} property comes from the configuration (default {@code /mcp}). Every configuration
 * attribute becomes a service property, so the whiteboard sees the path and listener.
 *
 * <p>A configuration change re-activates the component (new settings, streams of the old instance end);
 * sessions live in the engine and survive it.
 */
@Component(service = Handler.class, configurationPid = StreamableHttpComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = Config.class)
public class StreamableHttpComponent extends Handler.Wrapper {

    static final String PID = "io.erlmcp.transport.http";

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpComponent.class);

    private final StreamableHttpHandler handler;

    @Activate
    public StreamableHttpComponent(@Reference McpServerEndpoint endpoint, Config config) {
        this.handler = new StreamableHttpHandler(endpoint, Settings.from(config));
        setHandler(handler);
        LOG.info("Streamable HTTP endpoint at {} (listener {})", config.erlmcp_http_path(),
                config.erlmcp_http_listener());
    }

    @Deactivate
    void deactivate() {
        handler.closeStreams();
    }
}
