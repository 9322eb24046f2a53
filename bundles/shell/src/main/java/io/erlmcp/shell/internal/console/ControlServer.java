// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's control socket: a Unix domain socket that {@code bin/erlmcp} uses for ping, eval, attach, stop
 * and reboot.
 *
 * <p>The client's first line chooses the request:
 * <ul>
 * <li>{@code PING}: the answer is {@code pong}.</li>
 * <li>{@code EVAL <command line>}: runs the line in a new Gogo session, writes its output and formatted
 * result (or the error), then a status line {@link #STATUS_PREFIX}{@code 0} or {@code 1}.</li>
 * <li>{@code ATTACH}: an interactive session, one command per line, until {@code exit}, {@code logout} or
 * end of input. The node keeps running.</li>
 * <li>{@code STOP}, {@code REBOOT}: answers {@code stopping}/{@code rebooting} and stops or updates the
 * framework; the connection stays open until this server closes, so the client can wait for it.</li>
 * </ul>
 * The socket file is created with mode 0600: whoever can open it is the node's operator.
 */
public final class ControlServer implements AutoCloseable {

    /** Starts the last line of an EVAL answer; the exit status follows. */
    public static final String STATUS_PREFIX = "\u001ferlmcp-status ";
    static final String PROMPT = "erlmcp> ";
    static final int MAX_CLIENTS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Path socket;
    private final CommandProcessor processor;
    private final Runnable stop;
    private final Runnable reboot;
    private final ExecutorService clients;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Binds the socket and starts accepting clients.
     *
     * @param socket the socket file; a stale file at that path is replaced
     * @param processor runs the commands of EVAL and ATTACH
     * @param stop stops the node; called on a client thread after the answer is written
     * @param reboot restarts the framework; called like {@code stop}
     * @throws IOException if the socket cannot be bound
     */
    public ControlServer(Path socket, CommandProcessor processor, Runnable stop, Runnable reboot)
            throws IOException {
        this.socket = socket;
        this.processor = processor;
        this.stop = stop;
        this.reboot = reboot;
        Files.createDirectories(socket.getParent());
        // Only one node may own an instance directory (the launcher holds its lock), so a file here is stale.
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        AtomicInteger count = new AtomicInteger();
        this.clients = new ThreadPoolExecutor(0, MAX_CLIENTS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "erlmcp-control-" + count.incrementAndGet()));
        this.acceptor = daemon(this::acceptLoop, "erlmcp-control-accept");
        acceptor.start();
    }

    /** The socket file this server listens on. */
    public Path socket() {
        return socket;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Pause after a failed accept (say, out of file descriptors) before trying again. */
    static final long ACCEPT_RETRY_MILLIS = 500;

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // "Too many open files" passes: keep the operator's way in (eval, ping, stop) and try again.
                if (!closed) {
                    LOG.warn("Control socket accept failed, retrying in {} ms: {}", ACCEPT_RETRY_MILLIS, e.toString());
                    try {
                        Thread.sleep(ACCEPT_RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
                continue;
            }
            open.add(channel);
            try {
                clients.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                try (PrintStream out = printStream(Channels.newOutputStream(channel))) {
                    out.println("busy: " + MAX_CLIENTS + " control clients are connected");
                }
                forget(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (InputStream in = Channels.newInputStream(channel);
                PrintStream out = printStream(Channels.newOutputStream(channel))) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String request = reader.readLine();
            if (request == null) {
                return;
            }
            String verb = request.strip();
            String rest = "";
            int space = verb.indexOf(' ');
            if (space > 0) {
                rest = verb.substring(space + 1).strip();
                verb = verb.substring(0, space);
            }
            switch (verb.toUpperCase(java.util.Locale.ROOT)) {
            case "PING":
                out.println("pong");
                break;
            case "EVAL":
                out.print(STATUS_PREFIX + (eval(rest, out) ? 0 : 1) + "\n");
                break;
            case "ATTACH":
                attach(reader, out);
                break;
            case "STOP":
                out.println("stopping");
                out.flush();
                LOG.info("Stop requested on the control socket");
                stop.run();
                awaitClose(reader);
                break;
            case "REBOOT":
                out.println("rebooting");
                out.flush();
                LOG.info("Reboot requested on the control socket");
                reboot.run();
                awaitClose(reader);
                break;
            default:
                out.println("error: unknown request '" + verb + "' (PING, EVAL <command>, ATTACH, STOP, REBOOT)");
            }
            out.flush();
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("Control client ended: {}", e.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("Control client failed", e);
        } finally {
            forget(channel);
        }
    }

    /** Holds the connection until the client or {@link #close()} ends it, so the client sees the node go. */
    private static void awaitClose(BufferedReader reader) {
        try {
            while (reader.readLine() != null) {
                // the client has nothing more to say; ignore it
            }
        } catch (IOException e) {
            // closed by close(): what the client waits for
        }
    }

    private boolean eval(String line, PrintStream out) {
        if (line.isEmpty()) {
            out.println("error: EVAL needs a command line");
            return false;
        }
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out)) {
            return run(session, line, out);
        }
    }

    private void attach(BufferedReader reader, PrintStream out) throws IOException {
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out)) {
            out.println("Attached to the erlmcp node. Type 'exit' or 'logout' to detach; the node keeps running.");
            while (!closed) {
                out.print(PROMPT);
                out.flush();
                String line = reader.readLine();
                if (line == null) {
                    return;
                }
                line = line.strip();
                if (line.equals("exit") || line.equals("logout")) {
                    out.println("Detached.");
                    return;
                }
                if (!line.isEmpty()) {
                    run(session, line, out);
                }
            }
        }
    }

    private static boolean run(CommandSession session, String line, PrintStream out) {
        try {
            Object result = session.execute(line);
            if (result != null) {
                out.println(session.format(result, Converter.INSPECT));
            }
            return true;
        } catch (Exception e) {
            out.println("error: " + message(e));
            return false;
        } finally {
            out.flush();
        }
    }

    static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message;
    }

    private static PrintStream printStream(OutputStream out) {
        return new PrintStream(out, false, StandardCharsets.UTF_8);
    }

    private void forget(SocketChannel channel) {
        open.remove(channel);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a control client: {}", e.toString());
        }
    }

    /** Stops accepting, disconnects every client and deletes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Closing the control socket: {}", e.toString());
        }
        for (SocketChannel channel : open) {
            forget(channel);
        }
        clients.shutdownNow();
        try {
            acceptor.join(2000);
            if (!clients.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("Control clients still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Cannot delete the control socket {}: {}", socket, e.toString());
        }
    }
}
