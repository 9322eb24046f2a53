// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.drain;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of the {@link RequestGate}.
 *
 * @param draining      whether a drain is active
 * @param keys          the drained keys; empty while draining means every key (and nothing when not draining)
 * @param since         when the active drain started, or {@code null}
 * @param inFlight      calls in flight on the drained keys (all keys when not draining)
 * @param waiting       calls held back by the drain
 * @param inFlightByKey calls in flight per key, only keys with calls in flight
 * @param maxHoldMillis the longest a drain holds calls before it ends by itself
 */
public record DrainStatus(boolean draining, Set<String> keys, Instant since, long inFlight, long waiting,
        Map<String, Long> inFlightByKey, long maxHoldMillis) {

    public DrainStatus {
        keys = Set.copyOf(keys);
        inFlightByKey = Map.copyOf(inFlightByKey);
    }
}
