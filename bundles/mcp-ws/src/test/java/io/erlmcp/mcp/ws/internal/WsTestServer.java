// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import io.erlmcp.transport.testkit.LocalJetty;
import io.erlmcp.transport.testkit.TestEndpoint;

/** The WebSocket endpoint on a real Jetty server on 127.0.0.1, port 0, over the shared stand-in engine. */
final class WsTestServer implements AutoCloseable {

    final TestEndpoint endpoint = new TestEndpoint();
    final McpWebSocketHandler handler;
    final int port;
    private final LocalJetty server;

    WsTestServer(Settings settings) throws Exception {
        handler = new McpWebSocketHandler(endpoint, settings);
        server = new LocalJetty(handler);
        port = server.port();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        handler.deactivate();
        endpoint.shutdown();
    }
}
