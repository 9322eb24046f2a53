// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.console;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ControlServer} at {@code <erlmcp.base>/data/erlmcp.sock} while a Gogo command processor is
 * available. Without the {@code erlmcp.base} framework property (a framework not started by the erlmcp
 * launcher, such as the itests) it does nothing.
 */
@Component(service = {})
public class ControlSocketComponent {

    /** Framework property: the instance directory, set by the launcher. */
    static final String BASE_PROPERTY = "erlmcp.base";

    private static final Logger LOG = LoggerFactory.getLogger(ControlSocketComponent.class);

    private final ControlServer server;

    @Activate
    public ControlSocketComponent(BundleContext context, @Reference CommandProcessor processor) throws IOException {
        String base = context.getProperty(BASE_PROPERTY);
        if (base == null || base.isBlank()) {
            LOG.info("No {} framework property; the control socket is off", BASE_PROPERTY);
            this.server = null;
            return;
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        Path socket = Path.of(base, "data", "erlmcp.sock");
        try {
            this.server = new ControlServer(socket, processor, () -> stop(system), () -> reboot(system));
        } catch (IOException | RuntimeException e) {
            // A path longer than the platform's limit (about 100 bytes) ends here: say which one.
            LOG.error("Cannot listen on the control socket {}: {}", socket, e.toString());
            throw e;
        }
        LOG.info("Control socket listening on {}", socket);
    }

    private static void stop(Bundle system) {
        try {
            system.stop();
        } catch (BundleException e) {
            LOG.error("Stopping the framework failed", e);
        }
    }

    private static void reboot(Bundle system) {
        try {
            system.update();
        } catch (BundleException e) {
            LOG.error("Restarting the framework failed", e);
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
        }
    }
}
