// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Locale;

/** RFC 5424 severities, as used by {@code logging/setLevel} and {@code notifications/message}; least severe first. */
public enum LoggingLevel {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    /** @return the wire name ({@code debug}, ...) */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the level with this wire name, or {@code null} when there is none */
    public static LoggingLevel fromWire(String s) {
        if (s == null) {
            return null;
        }
        for (LoggingLevel l : values()) {
            if (l.wireName().equals(s)) {
                return l;
            }
        }
        return null;
    }
}
