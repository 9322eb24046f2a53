// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Streamable HTTP transport reconnects an SSE stream that ended too early: a POST's stream that ended
 * before its response (the server closed it, say after a priming event, or the network cut it) is resumed with
 * {@code GET} + {@code Last-Event-ID}; the standalone GET stream is reopened whenever it drops.
 *
 * <p>The first reconnection waits the {@code retry} the server last sent on that stream, or {@link #initialDelay()}
 * when it sent none. Each further attempt without a new event waits {@link #multiplier()} times longer, up to
 * {@link #maxDelay()} (but never less than the server's {@code retry}, which the spec says a client must respect).
 * After {@link #maxAttempts()} attempts in a row that brought no new event, a POST's request fails and the GET
 * stream is given up; an attempt that brings a new event starts the count again.
 *
 * @param initialDelay the wait before the first reconnection when the server sent no {@code retry}
 * @param multiplier   how much longer each further attempt waits (at least 1)
 * @param maxDelay     the longest wait the backoff grows to
 * @param maxAttempts  reconnections in a row without a new event before giving up; 0 never reconnects
 */
public record SseReconnectPolicy(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts) {

    /** 500 ms, doubling up to 30 s, 5 attempts: about 15 s of trying before a stream is given up. */
    public static final SseReconnectPolicy DEFAULT = new SseReconnectPolicy(Duration.ofMillis(500), 2.0,
            Duration.ofSeconds(30), 5);

    /** Never reconnects: a stream that ends before its response fails the request, a lost GET stream stays lost. */
    public static final SseReconnectPolicy NEVER = new SseReconnectPolicy(Duration.ZERO, 1.0, Duration.ZERO, 0);

    public SseReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative: " + initialDelay + ", " + maxDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
        }
    }

    /**
     * The wait before reconnection attempt {@code attempt} (0 for the first after a stream ended).
     *
     * @param serverRetryMillis the stream's last {@code retry:} value, or a negative number when it sent none
     */
    public Duration delay(int attempt, long serverRetryMillis) {
        long initial = initialDelay.toMillis();
        long floor = serverRetryMillis >= 0 ? serverRetryMillis : initial;
        if (attempt <= 0) {
            return Duration.ofMillis(floor);
        }
        double grown = Math.max(floor, initial) * Math.pow(multiplier, attempt);
        long capped = (long) Math.min(grown, (double) maxDelay.toMillis());
        return Duration.ofMillis(Math.max(floor, capped));
    }
}
