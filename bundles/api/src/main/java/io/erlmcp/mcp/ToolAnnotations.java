// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/** Behaviour hints of a tool; any component may be {@code null} (absent). */
public record ToolAnnotations(String title, Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint,
        Boolean openWorldHint) {
}
