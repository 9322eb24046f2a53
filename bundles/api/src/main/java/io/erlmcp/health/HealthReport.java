// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.health;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code GET /health} shows: overall status, version, uptime, and each check by name.
 *
 * @param status        the worst status among {@code checks} ({@link HealthStatus#HEALTHY} when there are none)
 * @param version       the erlmcp release version
 * @param uptimeSeconds whole seconds since the node started
 * @param checks        results by check name, in name order
 */
public record HealthReport(HealthStatus status, String version, long uptimeSeconds, Map<String, HealthResult> checks) {

    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(version, "version");
        checks = Collections.unmodifiableMap(new TreeMap<>(checks));
    }
}
