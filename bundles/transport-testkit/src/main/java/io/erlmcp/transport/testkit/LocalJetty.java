// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.testkit;

import java.net.URI;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty server on 127.0.0.1 and a free port, serving one handler: the HTTP stack transport tests run on. */
public final class LocalJetty implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    /** Starts serving {@code handler}. */
    public LocalJetty(Handler handler) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
    }

    /** @return the port it listens on now (another after a {@link #stop()} and {@link #start}) */
    public int port() {
        return connector.getLocalPort();
    }

    /** @return {@code scheme://127.0.0.1:<port><path>} */
    public URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port() + path);
    }

    /** Stops the server; the handler's own clean-up is the caller's. */
    public void stop() throws Exception {
        server.stop();
    }

    /** Starts again, serving {@code handler} (a reloaded transport) after {@link #stop()}. */
    public void start(Handler handler) throws Exception {
        server.setHandler(handler);
        server.start();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
