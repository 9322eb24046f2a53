// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/**
 * The client over Streamable HTTP with TLS 1.3 ({@code https://127.0.0.1:<https port>/mcp}) against a node whose
 * HTTPS listener has a self-signed keystore; the client trusts exactly that certificate.
 */
class ClientOverHttpsTest extends ClientContract {

    private static NodeUnderTest node;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeUnderTest.withHttps();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.streamableHttp(node.secureUri("https", "/mcp"), node.trustingContext(), Map.of());
    }
}
