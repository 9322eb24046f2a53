// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.support;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Guards against DNS rebinding (spec "Security Warning": servers MUST validate {@code Origin}): the {@code Host}
 * must name an allowed host and an {@code Origin}, when present, an allowed origin. An allowed origin without a
 * port matches any port; {@code *} allows everything.
 */
public final class OriginPolicy {

    private final List<String> hosts;
    private final List<String> origins;

    /** Origins allowed by default: the local machine, any scheme and port. */
    public static final List<String> LOCAL_ORIGINS = List.of("http://localhost", "https://localhost",
            "http://127.0.0.1", "https://127.0.0.1", "http://[::1]", "https://[::1]");

    /** Hosts allowed by default: the local machine's names. */
    public static final List<String> LOCAL_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    /**
     * @param hosts   allowed {@code Host} names (no port); {@code *} allows any
     * @param origins allowed origins as {@code scheme://host[:port]}; {@code *} allows any
     * @throws IllegalArgumentException when an origin is not of that form
     */
    public OriginPolicy(List<String> hosts, List<String> origins) {
        this.hosts = hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        this.origins = origins.stream().map(o -> o.trim().toLowerCase(Locale.ROOT)).filter(o -> !o.isEmpty())
                .toList();
        for (String origin : this.origins) {
            if (!origin.equals("*") && parse(origin) == null) {
                throw new IllegalArgumentException("allowed origin must be scheme://host[:port] or *, not " + origin);
            }
        }
    }

    /** @return null when allowed, else the reason to refuse */
    public String check(String host, String origin) {
        if (host != null && !hostAllowed(hostName(host))) {
            return "Host " + host + " is not allowed";
        }
        if (origin != null && !originAllowed(origin)) {
            return "Origin " + origin + " is not allowed";
        }
        return null;
    }

    private boolean hostAllowed(String name) {
        return hosts.contains("*") || hosts.contains(name);
    }

    private boolean originAllowed(String origin) {
        if (origins.contains("*")) {
            return true;
        }
        URI uri = parse(origin.trim().toLowerCase(Locale.ROOT));
        if (uri == null) {
            return false;
        }
        for (String allowed : origins) {
            URI a = parse(allowed);
            if (a.getScheme().equals(uri.getScheme()) && a.getHost().equals(uri.getHost())
                    && (a.getPort() == -1 || a.getPort() == uri.getPort())) {
                return true;
            }
        }
        return false;
    }

    /** @return the host of a {@code Host} header value, without port, lower case, IPv6 in brackets */
    public static String hostName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static URI parse(String origin) {
        try {
            URI uri = new URI(origin);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
