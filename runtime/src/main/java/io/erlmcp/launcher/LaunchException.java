// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

/** A start-up failure with a message meant for the operator; the launcher prints it and exits 1. */
final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
        super(message);
    }

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
