// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport;

import java.util.Objects;

/**
 * Describes the connection a session runs over.
 *
 * @param transport the transport's name: {@code stdio}, {@code tcp}, {@code http}, {@code sse} or {@code ws}
 * @param remote    the peer ({@code 127.0.0.1:53122}), or {@code null} when there is none (stdio)
 * @param protocolVersionHint the version a transport already knows the client speaks (the
 *                  {@code MCP-Protocol-Version} header), or {@code null}
 */
public record TransportInfo(String transport, String remote, String protocolVersionHint) {

    public TransportInfo {
        Objects.requireNonNull(transport, "transport");
    }
}
