// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Objects;

/**
 * Parameters of {@code sampling/createMessage}.
 *
 * @param messages         the conversation
 * @param systemPrompt     or {@code null}
 * @param maxTokens        the token limit
 * @param temperature      or {@code null}
 * @param stopSequences    or {@code null}
 * @param includeContext   {@code none}, {@code thisServer}, {@code allServers} or {@code null}
 * @param modelPreferences a JSON object ({@link JsonText} or {@code Map}), or {@code null}
 * @param metadata         a JSON object, or {@code null}
 */
public record CreateMessageRequest(List<SamplingMessage> messages, String systemPrompt, int maxTokens,
        Double temperature, List<String> stopSequences, String includeContext, Object modelPreferences,
        Object metadata) {

    public CreateMessageRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        stopSequences = stopSequences == null ? null : List.copyOf(stopSequences);
    }

    public static CreateMessageRequest of(String userText, int maxTokens) {
        return new CreateMessageRequest(List.of(SamplingMessage.user(userText)), null, maxTokens, null, null, null,
                null, null);
    }
}
