// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport;

/** The JSON-RPC role of an outbound message. */
public enum MessageKind {
    /** A response (result or error) to a client request. */
    RESPONSE,
    /** A request from the server to the client (sampling, elicitation, roots, ping). */
    REQUEST,
    /** A notification (progress, log message, list_changed, ...). */
    NOTIFICATION
}
