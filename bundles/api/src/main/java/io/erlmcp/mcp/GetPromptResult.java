// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/** The answer to {@code prompts/get}. */
public record GetPromptResult(String description, List<PromptMessage> messages, Object meta) {

    public GetPromptResult {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }

    public static GetPromptResult of(String description, PromptMessage... messages) {
        return new GetPromptResult(description, List.of(messages), null);
    }
}
