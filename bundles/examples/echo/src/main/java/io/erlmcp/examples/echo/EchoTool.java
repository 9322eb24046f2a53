// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.examples.echo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Component;

import io.erlmcp.mcp.CallToolResult;
import io.erlmcp.mcp.McpContext;
import io.erlmcp.mcp.Tool;
import io.erlmcp.mcp.ToolCall;
import io.erlmcp.mcp.ToolDefinition;

/** The tool {@code echo}: answers with its {@code message} argument as one text block. */
@Component(service = Tool.class)
public final class EchoTool implements Tool {

    private static final ToolDefinition DEFINITION = ToolDefinition.of("echo", "Echoes the message back",
            "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},\"required\":[\"message\"]}")
            .withTitle("Echo");

    @Override
    public ToolDefinition definition() {
        return DEFINITION;
    }

    @Override
    public CompletionStage<CallToolResult> call(ToolCall call, McpContext ctx) {
        return CompletableFuture.completedFuture(CallToolResult.text(call.string("message")));
    }
}
