// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A tool, registered as an OSGi service. The engine reads {@link #definition()} once when the service arrives
 * (register a new service to change it) and calls {@link #call} on its own handler pool, never on a transport
 * thread; a call may block, but returning a stage composed from {@link McpContext} requests frees the thread.
 *
 * <p>Failures: a stage completed with (or a thrown) {@link McpException} becomes that JSON-RPC error; any other
 * exception becomes a result with {@code isError: true} and the exception's message.
 */
@ConsumerType
public interface Tool {

    /** @return the tool's definition; called once per registration */
    ToolDefinition definition();

    /**
     * Runs the tool.
     *
     * @param call the validated call
     * @param ctx  the requesting session: progress, logging, cancellation, sampling, elicitation, roots
     */
    CompletionStage<CallToolResult> call(ToolCall call, McpContext ctx);
}
