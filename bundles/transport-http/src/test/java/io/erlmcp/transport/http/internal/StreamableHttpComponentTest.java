// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The DS component as SCR would build it, with the configuration defaults or overrides, mounted on Jetty. */
class StreamableHttpComponentTest {

    /** A {@link Config} as SCR makes one: the given properties, else each attribute's default. */
    static Config config(Map<String, Object> properties) {
        return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    return properties.containsKey(key) ? properties.get(key) : method.getDefaultValue();
                });
    }

    @Test
    void theDefaultsServeMcpOnLocalhost() throws Exception {
        try (TestEndpoint endpoint = new TestEndpoint()) {
            StreamableHttpComponent component = new StreamableHttpComponent(endpoint, config(Map.of()));
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            server.setHandler(component);
            server.start();
            try {
                URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                        .header("Accept", "application/json, text/event-stream")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                                + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Mcp-Session-Id")).isPresent();
            } finally {
                component.deactivate();
                server.stop();
            }
        }
    }

    @Test
    void settingsComeFromTheConfiguration() {
        Settings s = Settings.from(config(Map.of("erlmcp.http.path", "/other", "max.body.bytes", 10L,
                "allowed.hosts", new String[] {"mcp.example.com"}, "accept.strict", true)));
        assertThat(s.path()).isEqualTo("/other");
        assertThat(s.maxBodyBytes()).isEqualTo(10L);
        assertThat(s.strictAccept()).isTrue();
        assertThat(s.policy().hostAllowed("mcp.example.com", 443)).isTrue();
        assertThat(s.policy().hostAllowed("localhost", 8080)).isFalse();
        assertThat(s.protocolVersions()).contains("2025-11-25", "2024-11-05");
    }

    @Test
    void invalidConfigurationFailsActivation() {
        assertThatThrownBy(() -> Settings.from(config(Map.of("erlmcp.http.path", "mcp"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("erlmcp.http.path");
        assertThatThrownBy(() -> Settings.from(config(Map.of("max.body.bytes", 0L))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.from(config(Map.of("allowed.origins", new String[] {"localhost"}))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed.origins");
    }
}
