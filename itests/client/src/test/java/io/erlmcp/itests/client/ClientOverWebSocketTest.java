// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;

/** The client over WebSocket ({@code ws://127.0.0.1:<port>/mcp/ws}) against a node started with bin/erlmcp start. */
class ClientOverWebSocketTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::start);

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.webSocket(NODE.get().uri("ws", "/mcp/ws"));
    }
}
