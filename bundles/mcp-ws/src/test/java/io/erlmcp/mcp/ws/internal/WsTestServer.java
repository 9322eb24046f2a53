// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import java.net.URI;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import io.erlmcp.transport.testkit.TestEndpoint;

/** The WebSocket endpoint on a real Jetty server on 127.0.0.1, port 0, over the shared stand-in engine. */
final class WsTestServer implements AutoCloseable {

    final TestEndpoint endpoint = new TestEndpoint();
    final McpWebSocketHandler handler;
    final int port;
    private final Server server = new Server();

    WsTestServer(Settings settings) throws Exception {
        handler = new McpWebSocketHandler(endpoint, settings);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        port = connector.getLocalPort();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/mcp/ws");
    }

    @Override
    public void close() throws Exception {
        server.stop();
        handler.deactivate();
        endpoint.shutdown();
    }
}
