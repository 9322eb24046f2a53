// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The process's real stdin and stdout in stdio mode, kept for the MCP stdio transport. Taking them over points
 * {@code System.out} at stderr and {@code System.in} at an empty stream, so no other code can write to the
 * protocol stream or read from it.
 */
record Stdio(InputStream in, OutputStream out) {

    static Stdio takeOver() {
        Stdio stdio = new Stdio(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
        System.setOut(System.err);
        System.setIn(InputStream.nullInputStream());
        return stdio;
    }
}
