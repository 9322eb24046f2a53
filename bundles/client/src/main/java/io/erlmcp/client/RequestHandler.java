// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers a request the server sends to the client (sampling/createMessage, elicitation/create, roots/list). It
 * runs on a client thread and may block; a thrown {@link McpException} with a code becomes that JSON-RPC error,
 * anything else an internal error.
 */
@FunctionalInterface
public interface RequestHandler {

    /** The result for the request's {@code params} (may be a missing node). */
    JsonNode handle(JsonNode params) throws Exception;
}
