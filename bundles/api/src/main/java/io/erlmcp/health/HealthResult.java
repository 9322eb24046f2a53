// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.health;

import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one {@link HealthCheck}.
 *
 * @param status  the state, never {@code null}
 * @param message a sentence for an operator, or {@code null}
 * @param details numbers or strings that explain the state (for example {@code active_sessions}); never
 *                {@code null}, copied on construction
 */
public record HealthResult(HealthStatus status, String message, Map<String, Object> details) {

    public HealthResult {
        Objects.requireNonNull(status, "status");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static HealthResult healthy() {
        return new HealthResult(HealthStatus.HEALTHY, null, Map.of());
    }

    public static HealthResult healthy(Map<String, Object> details) {
        return new HealthResult(HealthStatus.HEALTHY, null, details);
    }

    public static HealthResult degraded(String message) {
        return new HealthResult(HealthStatus.DEGRADED, message, Map.of());
    }

    public static HealthResult unhealthy(String message) {
        return new HealthResult(HealthStatus.UNHEALTHY, message, Map.of());
    }
}
