// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.health;

/** The three states a check or the whole node can be in, worst last. */
public enum HealthStatus {
    /** Working as intended. */
    HEALTHY,
    /** Serving, but with reduced capacity or a warning an operator should read. */
    DEGRADED,
    /** Not serving; {@code GET /health} answers 503 while any check is here. */
    UNHEALTHY;

    /** @return the lower-case name used on the wire ({@code "healthy"}, ...) */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the worse of this and {@code other} */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
