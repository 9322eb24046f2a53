// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/**
 * A JSON value given as text, emitted verbatim by the engine. Wherever the API takes an {@code Object} for JSON
 * (structured content, {@code _meta}, log data), a {@code JsonText} is written as-is; any other object
 * ({@code Map}, {@code List}, {@code String}, numbers, booleans, records) is converted by the engine.
 *
 * @param json well-formed JSON text
 */
public record JsonText(String json) {

    public JsonText {
        Objects.requireNonNull(json, "json");
    }

    public static JsonText of(String json) {
        return new JsonText(json);
    }
}
