// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/**
 * The client over TCP with TLS 1.3 against a node started with bin/erlmcp start: its instance directory has a
 * second TCP listener, etc/io.erlmcp.mcp.tcp-tls.cfg, with a self-signed keystore, and the client trusts exactly
 * that certificate.
 */
class ClientOverTcpTlsTest extends ClientContract {

    private static NodeUnderTest node;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeUnderTest.withTcpTls();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.tcp("127.0.0.1", node.tlsPort(), node.trustingContext());
    }
}
