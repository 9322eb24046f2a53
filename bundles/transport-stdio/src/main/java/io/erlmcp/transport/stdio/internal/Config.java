// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.stdio.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the stdio transport (PID {@value StdioTransportComponent#PID}). */
@ObjectClassDefinition(name = "erlmcp stdio transport",
        description = "MCP over stdin/stdout when the node runs as `bin/erlmcp stdio`.")
@interface Config {

    long DEFAULT_MAX_LINE_BYTES = 16L * 1024 * 1024;
    int DEFAULT_QUEUE_MESSAGES = 10_000;
    long DEFAULT_EOF_GRACE_MS = 5_000;

    @AttributeDefinition(name = "Maximum line", description = "Longest input line (one message) in bytes; a longer "
            + "line is skipped and answered with a JSON-RPC error.")
    long max_line_bytes() default DEFAULT_MAX_LINE_BYTES;

    @AttributeDefinition(name = "Output queue", description = "Messages waiting for stdout before the client counts "
            + "as stuck and the session ends.")
    int queue_messages() default DEFAULT_QUEUE_MESSAGES;

    @AttributeDefinition(name = "EOF grace", description = "Milliseconds to finish and write the answers to requests "
            + "still running when stdin closes, before the node stops.")
    long eof_grace_ms() default DEFAULT_EOF_GRACE_MS;
}
