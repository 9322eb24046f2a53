// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.health;

import java.util.Optional;

/**
 * Runs every registered {@link HealthCheck} and combines them; implemented by the node bundle and used by
 * {@code GET /health} and the shell. Thread-safe.
 */
@org.osgi.annotation.versioning.ProviderType
public interface HealthService {

    /** @return the node's version, uptime and every check's result; the overall status is the worst of them */
    HealthReport report();

    /** @return the result of the check registered under {@code name}, or empty when there is none */
    Optional<HealthResult> check(String name);
}
