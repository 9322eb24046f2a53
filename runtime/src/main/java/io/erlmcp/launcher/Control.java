// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The client of a node's control socket, for bin/erlmcp:
 * {@code java -cp '<home>/lib/*' io.erlmcp.launcher.Control <socket> ping|eval <command>|attach|stop|reboot}.
 *
 * <p>Exit status: 0 on success; 1 when the node does not answer or the command failed; 2 on bad usage. Uses only
 * the JDK, so it starts fast. The protocol is described in the shell bundle's {@code ControlServer}.
 */
public final class Control {

    /** Starts the last line of an EVAL answer (same constant as ControlServer's). */
    static final String STATUS_PREFIX = "\u001ferlmcp-status ";

    private Control() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        if (args.length < 2) {
            stderr.println("usage: Control <socket> ping|eval <command>|attach|stop|reboot");
            return 2;
        }
        Path socket = Path.of(args[0]);
        String verb = args[1];
        String rest = String.join(" ", Arrays.copyOfRange(args, 2, args.length));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                if (verb.equals("ping")) {
                    stdout.println("pang");
                } else {
                    stderr.println("erlmcp: no node answers on " + socket + " (" + e.getMessage() + ")");
                }
                return 1;
            }
            PrintStream out = new PrintStream(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            switch (verb) {
            case "ping":
                out.println("PING");
                String answer = in.readLine();
                boolean pong = "pong".equals(answer);
                stdout.println(pong ? "pong" : "pang");
                return pong ? 0 : 1;
            case "eval":
                if (rest.isBlank()) {
                    stderr.println("usage: eval '<gogo command>'");
                    return 2;
                }
                // One request per line: a newline in the command is a statement separator to Gogo anyway.
                out.println("EVAL " + rest.replaceAll("\\R", "; "));
                return eval(in, stdout);
            case "attach":
                out.println("ATTACH");
                return attach(channel, in, stdin, stdout);
            case "stop":
            case "reboot":
                out.println(verb.toUpperCase(java.util.Locale.ROOT));
                String first = in.readLine();
                if (first == null) {
                    stderr.println("erlmcp: the node closed the connection without answering");
                    return 1;
                }
                stdout.println(first);
                // The node closes the connection as it goes down.
                while (in.readLine() != null) {
                    // drain
                }
                return 0;
            default:
                stderr.println("erlmcp: unknown control verb '" + verb + "'");
                return 2;
            }
        } catch (IOException e) {
            if (verb.equals("ping")) {
                stdout.println("pang");
            } else {
                stderr.println("erlmcp: control connection failed: " + e.getMessage());
            }
            return 1;
        }
    }

    private static int eval(BufferedReader in, PrintStream stdout) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith(STATUS_PREFIX)) {
                stdout.flush();
                return line.substring(STATUS_PREFIX.length()).strip().equals("0") ? 0 : 1;
            }
            stdout.println(line);
        }
        stdout.flush();
        System.err.println("erlmcp: the node closed the connection before the command finished");
        return 1;
    }

    private static int attach(SocketChannel channel, BufferedReader in, InputStream stdin, PrintStream stdout)
            throws IOException {
        Thread keyboard = new Thread(() -> {
            try {
                OutputStream out = Channels.newOutputStream(channel);
                byte[] buffer = new byte[4096];
                for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                    out.write(buffer, 0, n);
                }
                channel.shutdownOutput();
            } catch (IOException e) {
                // the node went away; the reader below sees it too
            }
        }, "erlmcp-attach-input");
        keyboard.setDaemon(true);
        keyboard.start();
        char[] buffer = new char[4096];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            stdout.print(new String(buffer, 0, n));
            stdout.flush();
        }
        return 0;
    }
}
