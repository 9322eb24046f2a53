// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/**
 * The client over TCP with TLS 1.3 against a node started with bin/erlmcp start: its instance directory has a
 * second TCP listener, etc/io.erlmcp.mcp.tcp-tls.cfg, with a self-signed keystore, and the client trusts exactly
 * that certificate.
 */
class ClientOverTcpTlsTest extends ClientContract {

    @RegisterExtension
    static final PerClassNode NODE = new PerClassNode(NodeUnderTest::withTcpTls);

    @Override
    ClientTransport transport() throws Exception {
        return ClientTransport.tcp("127.0.0.1", NODE.get().tlsPort(), NODE.get().trustingContext());
    }

    /** The node's refusal line at max_connections reaches the client as the reason its connection ended. */
    @Test
    void aListenerAtMaxConnectionsRefusesWithItsErrorLine() {
        try (McpClient first = McpClient.builder(ClientTransport.tcp("127.0.0.1", NODE.get().limitedPort())).build();
                McpClient second = McpClient.builder(ClientTransport.tcp("127.0.0.1", NODE.get().limitedPort()))
                        .requestTimeout(Duration.ofSeconds(30)).build()) {
            first.initialize();
            assertThatThrownBy(second::initialize).isInstanceOf(McpException.class)
                    .hasMessageContaining("server at max_connections");
            first.ping();
        }
    }

    /** A client that does not trust the node's certificate cannot connect. */
    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
        try (McpClient untrusting = McpClient.builder(ClientTransport.tcp("127.0.0.1", NODE.get().tlsPort(),
                javax.net.ssl.SSLContext.getDefault())).build()) {
            assertThatThrownBy(untrusting::initialize).isInstanceOf(McpException.class)
                    .hasMessageContaining("cannot connect to 127.0.0.1:" + NODE.get().tlsPort() + " (TLS)");
        }
    }
}
