// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * One MCP session over one WebSocket connection: every text message is one JSON-RPC message (or batch) for the
 * session; everything the session sends, related to a request or not, goes back on this connection as one text
 * frame. Outgoing frames are counted (messages and bytes) until Jetty reports them written; a send that would
 * pass either bound closes the connection with 1008 instead of queueing more.
 *
 * <p>When the server ends the session ({@link #sessionClosed()}: an operator terminated it, or it expired) the
 * connection takes no more messages and closes with 1000 {@value #SERVER_ENDED}; the close frame goes out behind
 * the frames already queued, so the client reads them first. A client that does not complete the close is
 * aborted after {@link #END_GRACE_MILLIS} (or the idle timeout, if shorter).
 */
final class WsConnection implements FrameHandler, MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);
    /** The close reason (with 1000) after {@link #sessionClosed()}. */
    static final String SERVER_ENDED = "session ended";
    /** Longest wait for the queued frames and the close handshake after {@link #sessionClosed()}. */
    static final long END_GRACE_MILLIS = 10_000;

    private final McpServerEndpoint endpoint;
    private final Settings settings;
    private final ScheduledExecutorService timer;
    private final Runnable onClosed;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private final Object lock = new Object();
    private volatile CoreSession core;
    private volatile ServerSession session;
    private volatile boolean open;
    private volatile ScheduledFuture<?> pinger;
    private volatile boolean awaitingPong;
    private volatile int closeCode = -1;
    // Set once, under lock, by sessionClosed: no more messages are sent, and the session is not closed again.
    private volatile boolean serverEnded;
    private boolean inMessage; // Jetty delivers one frame at a time (demand): no lock needed
    private int queuedMessages; // guarded by lock
    private long queuedBytes; // guarded by lock
    private int peakMessages; // guarded by lock
    private long peakBytes; // guarded by lock

    WsConnection(McpServerEndpoint endpoint, Settings settings, ScheduledExecutorService timer, Runnable onClosed) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.timer = timer;
        this.onClosed = onClosed;
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.core = coreSession;
        try {
            open = true;
            session = endpoint.open(new TransportInfo("ws", remote(coreSession.getRemoteAddress()), null), this);
            LOG.debug("ws session {} opened for {}", session.id(), coreSession.getRemoteAddress());
        } catch (RuntimeException e) {
            open = false;
            callback.failed(e);
            return;
        }
        long interval = settings.pingIntervalMillis();
        if (interval > 0) {
            pinger = timer.scheduleWithFixedDelay(this::ping, interval, interval, TimeUnit.MILLISECONDS);
        }
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.CONTINUATION -> {
                if (frame.getOpCode() == OpCode.TEXT) {
                    message.reset();
                    inMessage = true;
                }
                if (!inMessage) {
                    callback.succeeded();
                    close(CloseStatus.PROTOCOL, "continuation without a message");
                    return;
                }
                ByteBuffer payload = frame.getPayload();
                int length = payload == null ? 0 : payload.remaining();
                if (message.size() + (long) length > settings.maxMessageBytes()) {
                    message.reset();
                    inMessage = false;
                    callback.succeeded();
                    close(CloseStatus.MESSAGE_TOO_LARGE, "message larger than " + settings.maxMessageBytes() + " bytes");
                    return;
                }
                if (length > 0) {
                    message.write(BufferUtil.toArray(payload), 0, length);
                }
                if (frame.isFin()) {
                    inMessage = false;
                    byte[] json = message.toByteArray();
                    message.reset();
                    if (!isUtf8(json)) {
                        // RFC 6455 8.1: a text message that is not UTF-8 fails the connection.
                        callback.succeeded();
                        close(CloseStatus.BAD_PAYLOAD, "text message is not valid UTF-8");
                        return;
                    }
                    receive(json);
                }
                callback.succeeded();
                core.demand();
            }
            case OpCode.BINARY -> {
                callback.succeeded();
                close(CloseStatus.BAD_DATA, "binary frames are not supported; send JSON-RPC as text");
            }
            case OpCode.PING -> {
                byte[] payload = frame.getPayload() == null ? new byte[0] : BufferUtil.toArray(frame.getPayload());
                callback.succeeded();
                core.sendFrame(new Frame(OpCode.PONG, true, ByteBuffer.wrap(payload)), Callback.NOOP, false);
                core.demand();
            }
            case OpCode.PONG -> {
                awaitingPong = false;
                callback.succeeded();
                core.demand();
            }
            default -> callback.succeeded(); // CLOSE: Jetty answers it and calls onClosed
        }
    }

    private void receive(byte[] json) {
        ServerSession s = session;
        if (s == null || !open) {
            return;
        }
        try {
            Inbound inbound = endpoint.parse(json);
            // A frame that failed to parse is answered by the session with the engine's error response.
            s.receive(inbound, this).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.warn("ws request failed", failure);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("ws message failed", e);
            send(Settings.error(-32603, "Internal error"), MessageKind.RESPONSE);
        }
    }

    private void ping() {
        CoreSession c = core;
        if (!open || c == null) {
            return;
        }
        if (awaitingPong) {
            LOG.debug("ws peer {} did not answer a ping within {} ms; closing", c.getRemoteAddress(),
                    settings.pingIntervalMillis());
            close(CloseStatus.POLICY_VIOLATION, "no pong within " + settings.pingIntervalMillis() + " ms");
            return;
        }
        awaitingPong = true;
        c.sendFrame(new Frame(OpCode.PING, true, ByteBuffer.wrap("erlmcp".getBytes(StandardCharsets.US_ASCII))),
                Callback.NOOP, false);
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        LOG.debug("ws connection failed", cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        if (closeCode < 0) {
            closeCode = status.getCode();
        }
        ended(false);
        callback.succeeded();
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        CoreSession c = core;
        if (!open || c == null) {
            return;
        }
        boolean overflow;
        synchronized (lock) {
            if (!open) {
                return; // closed meanwhile (sessionClosed): what was sent before goes out, nothing after
            }
            overflow = queuedMessages + 1 > settings.queueMaxMessages()
                    || queuedBytes + json.length > settings.queueMaxBytes();
            if (!overflow) {
                queuedMessages++;
                queuedBytes += json.length;
                peakMessages = Math.max(peakMessages, queuedMessages);
                peakBytes = Math.max(peakBytes, queuedBytes);
                // Under the lock, so that frames reach Jetty's flusher in the order of the sends.
                c.sendFrame(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(json)), Callback.from(() -> written(json.length),
                        failure -> written(json.length)), false);
            }
        }
        if (overflow) {
            LOG.warn("ws client {} reads too slowly (more than {} messages or {} bytes queued); closing",
                    c.getRemoteAddress(), settings.queueMaxMessages(), settings.queueMaxBytes());
            close(CloseStatus.POLICY_VIOLATION, "outgoing queue full: client reads too slowly", true);
            // The close frame waits behind the frames that did not drain; do not wait for it.
            c.abort();
        }
    }

    /**
     * The server ended the session (the engine has closed it already): close with 1000 behind the frames already
     * queued. Safe from any thread, idempotent; it never blocks and never calls back into the session.
     */
    @Override
    public void sessionClosed() {
        CoreSession c;
        synchronized (lock) {
            if (serverEnded) {
                return;
            }
            serverEnded = true;
            c = core;
            if (!open || c == null) {
                return; // the connection is closing or closed already
            }
            open = false;
            if (closeCode < 0) {
                closeCode = CloseStatus.NORMAL;
            }
            // Under the lock: every frame sent before is ahead of the close frame in Jetty's flusher.
            sendClose(c, CloseStatus.NORMAL, SERVER_ENDED, Math.min(END_GRACE_MILLIS, settings.idleTimeoutMillis()));
        }
        LOG.debug("ws session on {} ended by the server; closing with 1000", c.getRemoteAddress());
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
    }

    /**
     * Sends the close frame; the connection is aborted if that fails or the close has not completed after
     * {@code graceMillis} (at once when the endpoint is stopping and its timer takes no more tasks).
     */
    private void sendClose(CoreSession c, int code, String reason, long graceMillis) {
        c.close(code, reason, Callback.from(() -> { }, failure -> c.abort()));
        try {
            timer.schedule(() -> {
                if (!c.isClosed()) {
                    c.abort();
                }
            }, graceMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            c.abort();
        }
    }

    /** @return the messages sent and not yet written (tests) */
    int queuedMessages() {
        synchronized (lock) {
            return queuedMessages;
        }
    }

    private void written(int bytes) {
        synchronized (lock) {
            queuedMessages--;
            queuedBytes -= bytes;
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the connection with {@code code}; the session ends when Jetty reports the connection closed. */
    void close(int code, String reason) {
        close(code, reason, false);
    }

    /**
     * @param async close the session on the timer thread: the overflow path runs inside the session's own
     *              {@code send}, and must not call back into it there
     */
    private void close(int code, String reason, boolean async) {
        CoreSession c = core;
        if (closeCode < 0) {
            closeCode = code;
        }
        open = false;
        if (c != null) {
            sendClose(c, code, reason, settings.closeGraceMillis());
        }
        ended(async);
    }

    private void ended(boolean async) {
        open = false;
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
        ServerSession s = session;
        if (s != null && !serverEnded) { // after sessionClosed the engine has closed it already
            if (async) {
                try {
                    timer.execute(s::close);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    s.close();
                }
            } else {
                s.close();
            }
        }
        onClosed.run();
    }

    ServerSession session() {
        return session;
    }

    /** @return the close code this side chose or the peer sent, or -1 while open */
    int closeCode() {
        return closeCode;
    }

    int peakQueuedMessages() {
        synchronized (lock) {
            return peakMessages;
        }
    }

    long peakQueuedBytes() {
        synchronized (lock) {
            return peakBytes;
        }
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String remote(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
