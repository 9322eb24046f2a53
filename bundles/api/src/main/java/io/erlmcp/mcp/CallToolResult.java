// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * The result of a tool call.
 *
 * @param content           the content blocks, never {@code null}
 * @param structuredContent a JSON object ({@link JsonText} or {@code Map}), or {@code null}; validated against
 *                          the tool's output schema when it has one
 * @param isError           whether the call failed (the model sees the content as an error report)
 * @param meta              {@code _meta}, or {@code null}
 */
public record CallToolResult(List<Content> content, Object structuredContent, boolean isError, Object meta) {

    public CallToolResult {
        content = List.copyOf(Objects.requireNonNull(content, "content"));
    }

    public static CallToolResult of(Content... content) {
        return new CallToolResult(List.of(content), null, false, null);
    }

    public static CallToolResult of(List<Content> content) {
        return new CallToolResult(content, null, false, null);
    }

    /** @return a successful result with one text block */
    public static CallToolResult text(String text) {
        return new CallToolResult(List.of(Content.text(text)), null, false, null);
    }

    /** @return a failed result ({@code isError: true}) with one text block explaining it */
    public static CallToolResult error(String message) {
        return new CallToolResult(List.of(Content.text(message)), null, true, null);
    }

    /** @return a result with structured content and its JSON text as the (backwards-compatible) text block */
    public static CallToolResult structured(String json) {
        return new CallToolResult(List.of(Content.text(json)), JsonText.of(json), false, null);
    }
}
