// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.erlmcp.transport.testkit.TestEndpoint;

/** The DS component built from a configuration, as SCR does: annotation defaults unless overridden. */
class TcpTransportTest {

    static TcpTransport.Config config(Map<String, Object> values) {
        return (TcpTransport.Config) Proxy.newProxyInstance(TcpTransport.Config.class.getClassLoader(),
                new Class<?>[] {TcpTransport.Config.class}, (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName()) : method.getDefaultValue());
    }

    @Test
    void defaultsAreLocalPlainTcpAndTheConfiguredPortIsUsed() throws Exception {
        TcpSettings defaults = TcpSettings.from(config(Map.of()));
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(9000);
        assertThat(defaults.maxConnections()).isEqualTo(1000);
        assertThat(defaults.maxLineBytes()).isEqualTo(4 << 20);
        assertThat(defaults.tls()).isFalse();

        TestEndpoint endpoint = new TestEndpoint();
        TcpTransport transport = new TcpTransport(endpoint, config(Map.of("port", 0)));
        try {
            assertThat(endpoint.opened).isEmpty(); // activation binds and opens no session
        } finally {
            transport.deactivate();
            endpoint.shutdown();
        }
    }

    @Test
    void aListenerServesAndStopsOnDeactivate() throws Exception {
        TestEndpoint endpoint = new TestEndpoint();
        TcpServer server = new TcpServer(endpoint, TcpSettings.from(config(Map.of("port", 0))));
        server.start();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).contains("\"id\":1");
            server.stop();
            assertThat(in.readLine()).isNull();
        } finally {
            endpoint.shutdown();
        }
        assertThat(endpoint.opened.get(0).closed).isTrue();
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> TcpSettings.from(config(Map.of("port", 70000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> TcpSettings.from(config(Map.of("max_connections", 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_connections");
        assertThatThrownBy(() -> TcpSettings.from(config(Map.of("max_line_bytes", -1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_line_bytes");
    }

    @Test
    void aMissingKeystoreFailsActivation() {
        TestEndpoint endpoint = new TestEndpoint();
        try {
            assertThatThrownBy(() -> new TcpTransport(endpoint, config(Map.of("port", 0, "tls_keystore",
                    "/no/such/keystore.p12", "tls_keystore_password", "x")))).isInstanceOf(java.io.IOException.class);
        } finally {
            endpoint.shutdown();
        }
    }
}
