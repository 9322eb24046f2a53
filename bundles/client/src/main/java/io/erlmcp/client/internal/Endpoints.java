// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Locale;

import javax.net.ssl.SSLContext;

/** What the transports that reach a URI share: checking its scheme and building their {@link HttpClient}. */
final class Endpoints {

    private Endpoints() {
    }

    /**
     * {@code endpoint}, if its scheme is {@code plain} or {@code secure} (in any case); otherwise an
     * IllegalArgumentException "{@code what} is plain:// or secure://, not endpoint".
     */
    static URI requireScheme(URI endpoint, String what, String plain, String secure) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(plain) && !scheme.equals(secure)) {
            throw new IllegalArgumentException(what + " is " + plain + ":// or " + secure + "://, not " + endpoint);
        }
        return endpoint;
    }

    /** Builds {@code builder}, with {@code tls} unless it is null (then the JDK's default trust). */
    static HttpClient httpClient(HttpClient.Builder builder, SSLContext tls) {
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }
}
