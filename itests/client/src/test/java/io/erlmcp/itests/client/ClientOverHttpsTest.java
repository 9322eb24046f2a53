// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import java.util.Map;


import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;

/**
 * The client over Streamable HTTP with TLS 1.3 ({@code https://127.0.0.1:<https port>/mcp}) against a node whose
 * HTTPS listener has a self-signed keystore; the client trusts exactly that certificate.
 */
class ClientOverHttpsTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::withHttps);

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.streamableHttp(NODE.get().secureUri("https", "/mcp"), NODE.get().trustingContext(), Map.of());
    }
}
