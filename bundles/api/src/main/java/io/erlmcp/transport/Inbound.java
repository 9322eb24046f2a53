// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One parsed transport frame: a single JSON-RPC message or a batch. Produced by
 * {@link McpServerEndpoint#parse(byte[])}; opaque beyond what a transport needs for routing.
 */
@ProviderType
public interface Inbound {

    /** @return whether the frame is (or, as a batch, contains) an {@code initialize} request */
    boolean isInitialize();

    /** @return whether the frame holds at least one request, so that responses are owed */
    boolean hasRequests();

    /** @return whether the frame was a JSON array (a batch) */
    boolean isBatch();

    /** @return the JSON-RPC error response for a frame that could not be parsed, or empty when it parsed */
    Optional<byte[]> errorResponse();
}
