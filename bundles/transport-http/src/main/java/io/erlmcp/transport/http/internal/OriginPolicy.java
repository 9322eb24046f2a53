// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The DNS-rebinding guard: allow-lists for the {@code Host} and {@code Origin} headers.
 *
 * <p>A host entry is {@code name} (any port) or {@code name:port}; IPv6 literals are written in brackets
 * ({@code [::1]}). An origin entry is {@code scheme://name} (any port) or {@code scheme://name:port}. The entry
 * {@code *} allows everything. Names compare case-insensitively. Immutable and thread-safe.
 */
final class OriginPolicy {

    private final List<Entry> hosts;
    private final boolean anyHost;
    private final List<Entry> origins;
    private final boolean anyOrigin;

    OriginPolicy(List<String> allowedHosts, List<String> allowedOrigins) {
        this.anyHost = allowedHosts.contains("*");
        this.hosts = allowedHosts.stream().filter(h -> !h.equals("*")).map(OriginPolicy::hostEntry).toList();
        this.anyOrigin = allowedOrigins.contains("*");
        this.origins = allowedOrigins.stream().filter(o -> !o.equals("*")).map(OriginPolicy::originEntry).toList();
    }

    /**
     * @param host the host name from the request (Host header or :authority), brackets optional for IPv6
     * @param port the port, or -1 when the request named none
     */
    boolean hostAllowed(String host, int port) {
        if (anyHost) {
            return true;
        }
        if (host == null || host.isEmpty()) {
            return false;
        }
        Entry actual = new Entry(null, normalize(host), port);
        return hosts.stream().anyMatch(e -> e.matches(actual));
    }

    /** @param origin the Origin header; {@code null} (a non-browser client) is always allowed */
    boolean originAllowed(String origin) {
        if (origin == null || anyOrigin) {
            return true;
        }
        Entry actual;
        try {
            actual = parseOrigin(origin.trim());
        } catch (IllegalArgumentException e) {
            return false; // "null" (an opaque origin) and garbage
        }
        return origins.stream().anyMatch(e -> e.matches(actual));
    }

    private static Entry hostEntry(String spec) {
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("Empty entry in allowed.hosts");
        }
        int port = -1;
        String name = s;
        int colon = s.lastIndexOf(':');
        int bracket = s.lastIndexOf(']');
        if (colon > bracket && (s.startsWith("[") || s.indexOf(':') == colon)) {
            name = s.substring(0, colon);
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Bad port in allowed.hosts entry '" + spec + "'");
            }
        }
        return new Entry(null, normalize(name), port);
    }

    private static Entry originEntry(String spec) {
        try {
            return parseOrigin(spec.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Bad allowed.origins entry '" + spec
                    + "': expected scheme://host[:port]");
        }
    }

    private static Entry parseOrigin(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("not an origin: " + origin);
        }
        return new Entry(uri.getScheme().toLowerCase(Locale.ROOT), normalize(uri.getHost()), uri.getPort());
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }

    /** scheme is null for host entries; port -1 in an allow-list entry means any port. */
    private record Entry(String scheme, String host, int port) {
        boolean matches(Entry actual) {
            return (scheme == null || scheme.equals(actual.scheme)) && host.equals(actual.host)
                    && (port == -1 || port == actual.port);
        }
    }
}
