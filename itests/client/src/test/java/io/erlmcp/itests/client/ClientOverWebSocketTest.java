// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/** The client over WebSocket ({@code ws://127.0.0.1:<port>/mcp/ws}) against a node started with bin/erlmcp start. */
class ClientOverWebSocketTest extends ClientContract {

    private static NodeUnderTest node;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeUnderTest.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.webSocket(node.uri("ws", "/mcp/ws"));
    }
}
