// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import io.erlmcp.launcher.Settings.Mode;

/**
 * The erlmcp launcher: {@code java -cp '<home>/lib/*' io.erlmcp.launcher.Main console|daemon|stdio|versions}.
 * bin/erlmcp sets {@code ERLMCP_HOME}; see {@link Launcher} and {@link Versions}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        String verb = args.length == 0 ? "console" : args[0];
        // Before anything can print: in stdio mode the real stdout belongs to the protocol.
        Stdio stdio = verb.equals("stdio") ? Stdio.takeOver() : null;
        int status;
        try {
            switch (verb) {
            case "console":
            case "daemon":
            case "stdio":
                status = new Launcher(Mode.of(verb), stdio, System.getenv(), System.getProperties()).run();
                break;
            case "versions":
                status = Versions.print(System.getenv(), System.getProperties(), System.out);
                break;
            default:
                System.err.println("usage: io.erlmcp.launcher.Main console|daemon|stdio|versions");
                status = 2;
            }
        } catch (LaunchException e) {
            System.err.println("erlmcp: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }
}
