// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * How a tool presents itself in {@code tools/list}. The schemas are JSON text, kept and re-emitted verbatim
 * ({@code $schema}, {@code $defs}, {@code additionalProperties} included); the engine validates arguments
 * against {@code inputSchema} and structured results against {@code outputSchema} (JSON Schema 2020-12 unless
 * the schema names another dialect in {@code $schema}).
 *
 * @param name         unique among the node's tools
 * @param title        display name, or {@code null}
 * @param description  or {@code null}
 * @param inputSchema  a JSON object schema as text; never {@code null}
 * @param outputSchema a JSON object schema as text, or {@code null}
 * @param annotations  or {@code null}
 * @param icons        or {@code null}
 * @param meta         {@code _meta}: a {@link JsonText} or a {@code Map}, or {@code null}
 * @param taskSupport  {@code execution.taskSupport} ({@code forbidden}, {@code optional}, {@code required}),
 *                     or {@code null} to omit {@code execution}
 */
public record ToolDefinition(String name, String title, String description, String inputSchema,
        String outputSchema, ToolAnnotations annotations, List<Icon> icons, Object meta, String taskSupport) {

    /** The schema of a tool without arguments. */
    public static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\"}";

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputSchema, "inputSchema");
        icons = icons == null ? null : List.copyOf(icons);
    }

    public static ToolDefinition of(String name, String description, String inputSchema) {
        return new ToolDefinition(name, null, description, inputSchema, null, null, null, null, null);
    }

    public ToolDefinition withTitle(String t) {
        return new ToolDefinition(name, t, description, inputSchema, outputSchema, annotations, icons, meta,
                taskSupport);
    }

    public ToolDefinition withOutputSchema(String schema) {
        return new ToolDefinition(name, title, description, inputSchema, schema, annotations, icons, meta,
                taskSupport);
    }

    public ToolDefinition withAnnotations(ToolAnnotations a) {
        return new ToolDefinition(name, title, description, inputSchema, outputSchema, a, icons, meta, taskSupport);
    }

    public ToolDefinition withIcons(List<Icon> i) {
        return new ToolDefinition(name, title, description, inputSchema, outputSchema, annotations, i, meta,
                taskSupport);
    }

    public ToolDefinition withMeta(Object m) {
        return new ToolDefinition(name, title, description, inputSchema, outputSchema, annotations, icons, m,
                taskSupport);
    }
}
