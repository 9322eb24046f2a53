// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

/** The JSON-RPC error codes MCP uses, in one place. */
public final class ErrorCodes {

    /** Invalid JSON was received. */
    public static final int PARSE_ERROR = -32700;
    /** The JSON sent is not a valid request object (also: a request before {@code initialize}). */
    public static final int INVALID_REQUEST = -32600;
    /** The method does not exist or is not available. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Invalid method parameters (also: unknown tool or prompt, missing required prompt argument). */
    public static final int INVALID_PARAMS = -32602;
    /** Internal JSON-RPC error (also: a handler failure outside {@code tools/call}). */
    public static final int INTERNAL_ERROR = -32603;
    /** MCP: the resource does not exist. */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** MCP: the request needs a URL-mode elicitation to be completed first. */
    public static final int URL_ELICITATION_REQUIRED = -32042;

    private ErrorCodes() {
    }
}
