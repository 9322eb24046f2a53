// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;

/**
 * The client over the legacy HTTP+SSE transport (GET /sse, POST /messages) against a node started with
 * bin/erlmcp start.
 */
class ClientOverLegacySseTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::start);

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.legacySse(NODE.get().uri("http", "/sse"));
    }
}
