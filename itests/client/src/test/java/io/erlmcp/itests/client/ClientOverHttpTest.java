// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;

/** The client over Streamable HTTP against a node started with bin/erlmcp start. */
class ClientOverHttpTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::start);

    @Override
    ClientTransport transport() {
        return ClientTransport.streamableHttp(NODE.get().uri("http", "/mcp"));
    }
}
