// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * How a prompt presents itself in {@code prompts/list}.
 *
 * @param name        unique among the node's prompts
 * @param title       or {@code null}
 * @param description or {@code null}
 * @param arguments   never {@code null}; required ones are checked by the engine before {@link Prompt#get}
 * @param icons       or {@code null}
 * @param meta        {@code _meta}, or {@code null}
 */
public record PromptDefinition(String name, String title, String description, List<PromptArgument> arguments,
        List<Icon> icons, Object meta) {

    public PromptDefinition {
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? List.of() : List.copyOf(arguments);
        icons = icons == null ? null : List.copyOf(icons);
    }

    public static PromptDefinition of(String name, String description, PromptArgument... arguments) {
        return new PromptDefinition(name, null, description, List.of(arguments), null, null);
    }
}
