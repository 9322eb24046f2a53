// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One subsystem's health, contributed by registering this interface as an OSGi service.
 *
 * <p>The service must carry the property {@link #NAME} (String): the key under which the result appears in the
 * {@code checks} object of {@code GET /health}, and the path segment of {@code GET /health/<name>}. A check
 * registered without a name is reported under its component or service id.
 *
 * <p>{@link #check()} is called on the thread that asks for health (an HTTP request, a shell command) and may be
 * called concurrently; it must be quick (well under a second) and must not block on I/O it does not own.
 * An exception thrown from it counts as {@link HealthStatus#UNHEALTHY}.
 */
@ConsumerType
public interface HealthCheck {

    /** Service property (String): the check's name, for example {@code transport} or {@code session}. */
    String NAME = "erlmcp.health.name";

    /**
     * Component property (Boolean, or the String {@code "true"}) that any Declarative Services component may
     * carry: the node's built-in {@code components} check names it while it is unsatisfied but stays healthy.
     * Meant for components that only work in some modes, such as a transport whose streams exist only under
     * {@code bin/erlmcp stdio}; a component that must run does not carry it.
     */
    String OPTIONAL_COMPONENT = "erlmcp.health.optional";

    /** @return the current result, never {@code null} */
    HealthResult check();
}
