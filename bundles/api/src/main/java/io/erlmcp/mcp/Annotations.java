// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;

/**
 * Hints on content and resources for the client.
 *
 * @param audience     {@code user} and/or {@code assistant}, or {@code null}
 * @param priority     0..1, or {@code null}
 * @param lastModified an ISO 8601 timestamp, or {@code null}
 */
public record Annotations(List<Role> audience, Double priority, String lastModified) {

    public Annotations {
        audience = audience == null ? null : List.copyOf(audience);
    }
}
