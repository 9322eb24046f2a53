// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;

/** The client over TCP (ERLMCP_TCP_PORT) against a node started with bin/erlmcp start. */
class ClientOverTcpTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::start);

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.tcp("127.0.0.1", NODE.get().tcpPort);
    }
}
