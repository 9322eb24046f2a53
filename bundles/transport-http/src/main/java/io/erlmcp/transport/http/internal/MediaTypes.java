// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.util.Locale;

/**
 * Reads {@code Accept} and {@code Content-Type} values. An {@code Accept} media range counts with RFC 9110
 * semantics: the full wildcard and {@code type/} wildcard ranges match, parameters are ignored except
 * {@code q=0}, which excludes.
 */
final class MediaTypes {

    private MediaTypes() {
    }

    /**
     * @param accept the {@code Accept} header value, or {@code null}
     * @param type   a concrete media type such as {@code text/event-stream}
     * @param strict when true only the literal type counts (wildcards do not)
     * @return whether {@code accept} admits {@code type}
     */
    static boolean accepts(String accept, String type, boolean strict) {
        if (accept == null) {
            return false;
        }
        String major = type.substring(0, type.indexOf('/'));
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String mediaRange = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean matches = mediaRange.equals(type)
                    || !strict && (mediaRange.equals("*/*") || mediaRange.equals(major + "/*"));
            if (matches && !zeroQuality(parts)) {
                return true;
            }
        }
        return false;
    }

    private static boolean zeroQuality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2).trim()) <= 0.0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** @return whether a {@code Content-Type} value is {@code type}, whatever its parameters */
    static boolean isType(String contentType, String type) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String base = semi < 0 ? contentType : contentType.substring(0, semi);
        return base.trim().equalsIgnoreCase(type);
    }
}
