// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Map;

/**
 * One {@code completion/complete} request.
 *
 * @param refType          {@code ref/prompt} or {@code ref/resource}
 * @param refName          the prompt name or the resource URI (template)
 * @param argumentName     the argument being completed
 * @param argumentValue    what the user typed so far
 * @param contextArguments arguments already resolved ({@code context.arguments}), never {@code null}
 */
public record CompletionRequest(String refType, String refName, String argumentName, String argumentValue,
        Map<String, String> contextArguments) {

    public static final String REF_PROMPT = "ref/prompt";
    public static final String REF_RESOURCE = "ref/resource";

    public CompletionRequest {
        contextArguments = contextArguments == null ? Map.of() : Map.copyOf(contextArguments);
    }
}
