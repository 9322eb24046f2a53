// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/**
 * The client over Streamable HTTP with TLS 1.3 ({@code https://127.0.0.1:<https port>/mcp}) against a node whose
 * HTTPS listener has a self-signed keystore. The Streamable HTTP transport has no SSLContext parameter (yet), so the
 * test makes a context trusting exactly that certificate the JVM's default while the class runs.
 */
class ClientOverHttpsTest extends ClientContract {

    private static NodeUnderTest node;
    private static SSLContext previousDefault;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeUnderTest.withHttps();
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(node.trustingContext());
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (previousDefault != null) {
            SSLContext.setDefault(previousDefault);
        }
        if (node != null) {
            node.close();
        }
    }

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.streamableHttp(node.secureUri("https", "/mcp"));
    }
}
