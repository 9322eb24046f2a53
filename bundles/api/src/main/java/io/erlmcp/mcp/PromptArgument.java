// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/** One argument of a prompt. */
public record PromptArgument(String name, String title, String description, boolean required) {

    public PromptArgument {
        Objects.requireNonNull(name, "name");
    }

    public static PromptArgument of(String name, String description, boolean required) {
        return new PromptArgument(name, null, description, required);
    }
}
