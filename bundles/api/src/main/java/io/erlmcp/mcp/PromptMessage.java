// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Objects;

/** One message of a prompt (any content type). */
public record PromptMessage(Role role, Content content) {

    public PromptMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static PromptMessage user(Content content) {
        return new PromptMessage(Role.USER, content);
    }

    public static PromptMessage assistant(Content content) {
        return new PromptMessage(Role.ASSISTANT, content);
    }
}
