// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/**
 * Parameters of {@code elicitation/create}: form mode (a requested schema with primitive properties, defaults
 * and enums allowed) or, for protocol 2025-11-25, URL mode.
 *
 * @param mode            {@code form} or {@code url}
 * @param message         what the user is asked
 * @param requestedSchema form mode: the JSON schema as text, re-emitted verbatim; {@code null} in URL mode
 * @param url             URL mode: the URL to open; {@code null} in form mode
 * @param elicitationId   URL mode: the id; {@code null} in form mode
 */
public record ElicitRequest(String mode, String message, String requestedSchema, String url,
        String elicitationId) {

    public ElicitRequest {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(message, "message");
    }

    public static ElicitRequest form(String message, String requestedSchemaJson) {
        return new ElicitRequest("form", message, Objects.requireNonNull(requestedSchemaJson), null, null);
    }

    public static ElicitRequest url(String message, String url, String elicitationId) {
        return new ElicitRequest("url", message, null, Objects.requireNonNull(url),
                Objects.requireNonNull(elicitationId));
    }
}
