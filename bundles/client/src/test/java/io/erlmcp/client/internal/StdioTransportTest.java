// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

class StdioTransportTest {

    @Test
    void aServerProcessThatEndsFailsTheRequestAtOnce() {
        McpClient client = McpClient.builder(ClientTransport.stdio(List.of("sh", "-c", "echo not-json; exit 3"),
                Map.of())).requestTimeout(Duration.ofSeconds(30)).build();
        long start = System.nanoTime();
        assertThatThrownBy(client::initialize).isInstanceOf(McpException.class);
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(Duration.ofSeconds(10));
        client.close();
    }
}
