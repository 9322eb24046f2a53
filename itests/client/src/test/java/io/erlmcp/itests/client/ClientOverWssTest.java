// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;

/**
 * The client over WebSocket with TLS 1.3 ({@code wss://127.0.0.1:<https port>/mcp/ws}) against a node whose HTTPS
 * listener has a self-signed keystore; the client trusts exactly that certificate.
 */
class ClientOverWssTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::withHttps);

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.webSocket(NODE.get().secureUri("wss", "/mcp/ws"), NODE.get().trustingContext());
    }
}
