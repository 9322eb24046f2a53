// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/** A prompt, registered as an OSGi service; {@link #get} runs on the engine's handler pool. */
@ConsumerType
public interface Prompt {

    /** @return the definition; read once per registration */
    PromptDefinition definition();

    /**
     * @param arguments the arguments; every required one is present
     */
    CompletionStage<GetPromptResult> get(Map<String, String> arguments, McpContext ctx);
}
