// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/**
 * The client over the legacy HTTP+SSE transport (GET /sse, POST /messages) against a node started with
 * bin/erlmcp start.
 */
class ClientOverLegacySseTest extends ClientContract {

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
        return ClientTransport.legacySse(node.uri("http", "/sse"));
    }
}
