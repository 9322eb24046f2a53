// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/** The client over TCP (ERLMCP_TCP_PORT) against a node started with bin/erlmcp start. */
class ClientOverTcpTest extends ClientContract {

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
        return ClientTransport.tcp("127.0.0.1", node.tcpPort);
    }
}
