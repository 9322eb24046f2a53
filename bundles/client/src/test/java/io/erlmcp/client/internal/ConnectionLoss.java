// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpException;

/**
 * Steps the tests of the connection-per-session transports (TCP, WebSocket, HTTP+SSE) share. Their servers end the
 * connection when asked for {@code tools/call never}.
 */
final class ConnectionLoss {

    private ConnectionLoss() {
    }

    /**
     * Calls {@code tools/call never} and returns how it failed (null if it did not), after asserting that it ended
     * within 10 s: at once, not after the request timeout.
     */
    static Throwable failureOfNever(McpClient client) {
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> client.callTool("never", "{}"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        return failure;
    }

    /**
     * A client over {@code transport} that reconnects (100 ms initial delay, 1 s at most, 3 attempts) and adds
     * "STATE attempt" to {@code states} for every connection state.
     */
    static McpClient reconnecting(ClientTransport transport, List<String> states) {
        return McpClient.builder(transport).reconnect(Duration.ofMillis(100), Duration.ofSeconds(1), 3)
                .connectionListener((state, attempt, detail) -> states.add(state + " " + attempt)).build();
    }

    /**
     * Initializes {@code client}, makes the server end the connection with {@code tools/call never} (the call fails)
     * and waits until the first attempt reconnected; then a ping must be answered.
     */
    static void loseAndReconnect(McpClient client, List<String> states) throws InterruptedException {
        client.initialize();
        assertThatThrownBy(() -> client.callTool("never", "{}")).isInstanceOf(McpException.class);
        awaitState(states, "RECONNECTED 1");
        client.ping();
    }

    /** Waits up to 10 s for a state that starts with {@code prefix}, and asserts there is one. */
    static void awaitState(List<String> states, String prefix) throws InterruptedException {
        for (int i = 0; i < 1000 && states.stream().noneMatch(s -> s.startsWith(prefix)); i++) {
            Thread.sleep(10);
        }
        assertThat(states).anyMatch(s -> s.startsWith(prefix));
    }
}
