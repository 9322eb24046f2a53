// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.erlmcp.client.internal.Reconnector;

/** The reconnect policy's delays and checks; reconnecting itself is tested with each transport. */
class ReconnectPolicyTest {

    @Test
    void delaysDoubleUpToTheMaximumWithJitterInTheUpperHalf() {
        Reconnector.Policy p = new Reconnector.Policy(Duration.ofMillis(100), Duration.ofSeconds(1), 10);
        assertThat(p.delay(1, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(p.delay(1, 0.999)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
        assertThat(p.delay(2, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delay(4, 0.0)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delay(5, 0.0)).isEqualTo(Duration.ofMillis(500)); // 1600 capped at 1000
        assertThat(p.delay(1_000_000, 0.999)).isBetween(Duration.ofMillis(990), Duration.ofSeconds(1));
    }

    @Test
    void badPoliciesAndTransportsThatCannotReconnectAreRefused() {
        McpClient.Builder b = McpClient.builder(ClientTransport.tcp("127.0.0.1", 9));
        assertThatThrownBy(() -> b.reconnect(Duration.ZERO, Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.reconnect(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.reconnect(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> McpClient.builder(ClientTransport.streamableHttp(URI.create("http://127.0.0.1:9/")))
                .reconnect(Duration.ofSeconds(1), Duration.ofSeconds(1), 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot reconnect");
        assertThatThrownBy(() -> McpClient.builder(ClientTransport.stdio(List.of("true"), Map.of()))
                .reconnect(Duration.ofSeconds(1), Duration.ofSeconds(1), 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot reconnect");
    }

    @Test
    void aFirstConnectionThatFailsIsNotRetried() {
        McpClient client = McpClient.builder(ClientTransport.tcp("127.0.0.1", 9))
                .reconnect(Duration.ofMillis(10), Duration.ofMillis(10), 3)
                .connectionListener((s, a, d) -> {
                    throw new AssertionError("no reconnect before initialize succeeded: " + s);
                }).build();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class)
                .hasMessageContaining("cannot open the transport");
        client.close();
    }
}
