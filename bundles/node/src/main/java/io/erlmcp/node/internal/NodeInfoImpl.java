// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.erlmcp.node.NodeInfo;

/** The node's identity, from the framework properties the launcher sets. */
@Component(service = NodeInfo.class)
public final class NodeInfoImpl implements NodeInfo {

    private final String name;
    private final String version;
    private final Instant startedAt;
    private final Path instanceDir;

    @Activate
    public NodeInfoImpl(BundleContext context) {
        this(property(context, "erlmcp.node.name", "erlmcp"),
                property(context, "erlmcp.version", context.getBundle().getVersion().toString()),
                startTime(context.getProperty("erlmcp.start.time")),
                Path.of(property(context, "erlmcp.base", System.getProperty("user.dir"))));
    }

    NodeInfoImpl(String name, String version, Instant startedAt, Path instanceDir) {
        this.name = name;
        this.version = version;
        this.startedAt = startedAt;
        this.instanceDir = instanceDir;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public Duration uptime() {
        Duration uptime = Duration.between(startedAt, Instant.now());
        return uptime.isNegative() ? Duration.ZERO : uptime;
    }

    @Override
    public Path instanceDir() {
        return instanceDir;
    }

    private static String property(BundleContext context, String key, String fallback) {
        String value = context.getProperty(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static Instant startTime(String epochMillis) {
        if (epochMillis != null) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(epochMillis.trim()));
            } catch (NumberFormatException malformed) {
                // fall through: an unreadable start time is replaced by "now" rather than failing the node
            }
        }
        return Instant.now();
    }
}
