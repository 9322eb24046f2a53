// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Completes arguments of one prompt or resource template, registered as an OSGi service. The engine asks the
 * completers whose {@link #refType()} and {@link #refName()} match the request; without one it answers with no
 * values.
 */
@ConsumerType
public interface Completer {

    /** @return {@link CompletionRequest#REF_PROMPT} or {@link CompletionRequest#REF_RESOURCE} */
    String refType();

    /** @return the prompt name or the resource template URI this completer serves */
    String refName();

    CompletionStage<Completion> complete(CompletionRequest request, McpContext ctx);
}
