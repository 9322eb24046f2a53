// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The node this framework runs as: one service, registered by the node bundle. Thread-safe.
 */
@org.osgi.annotation.versioning.ProviderType
public interface NodeInfo {

    /** @return the node name ({@code erlmcp} unless the operator set {@code ERLMCP_NODE_NAME}) */
    String name();

    /** @return the erlmcp release version, for example {@code 0.1.0} */
    String version();

    /** @return when the launcher started the JVM */
    Instant startedAt();

    /** @return time since {@link #startedAt()} */
    Duration uptime();

    /** @return the instance directory holding {@code etc/}, {@code log/}, {@code data/} and {@code deploy/} */
    Path instanceDir();
}
