// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.http.support.SseWriter;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;

/**
 * One logical stream of a session: the answer to a POST (ends when its {@code receive} stage completes) or the
 * standalone GET stream. Every message it carries over SSE is stored in the
 * {@link io.erlmcp.transport.events.EventStore} first, so the stream outlives its HTTP response: after
 * {@link #closeStream()} or a lost connection, messages keep being stored, and a GET with {@code Last-Event-ID}
 * replays them and then continues live.
 */
final class Stream implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
    private static final byte[] NOTHING = new byte[0];

    private enum Mode { UNDECIDED, JSON, SSE }

    private final HttpSession owner;
    final String id;
    private final boolean post;
    private final boolean batch;
    private Exchange pending;
    private Mode mode;
    private SseWriter live;
    private boolean done;

    private Stream(HttpSession owner, String id, boolean post, boolean batch, Exchange pending) {
        this.owner = owner;
        this.id = id;
        this.post = post;
        this.batch = batch;
        this.pending = pending;
        this.mode = post ? Mode.UNDECIDED : Mode.SSE;
    }

    /** A POST's stream; it answers plain JSON or SSE once it knows what comes first. */
    static Stream forPost(HttpSession owner, String id, boolean batch, Exchange exchange) {
        return new Stream(owner, id, true, batch, exchange);
    }

    /** A standalone stream, not yet answering anything: see {@link #start} and {@link #resume}. */
    static Stream standalone(HttpSession owner, String id) {
        return new Stream(owner, id, false, false, null);
    }

    /** Answers {@code exchange} with this standalone stream. */
    synchronized void start(Exchange exchange) {
        live = open(exchange, true);
    }

    /** A POST stream that completed earlier, known only by its stored events. */
    static Stream finished(HttpSession owner, String id) {
        Stream s = new Stream(owner, id, true, false, null);
        s.mode = Mode.SSE;
        s.done = true;
        return s;
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        Exchange answer = null;
        synchronized (this) {
            if (mode == Mode.UNDECIDED) {
                if (kind == MessageKind.RESPONSE && !batch) {
                    mode = Mode.JSON;
                    answer = pending;
                    pending = null;
                } else {
                    live = open(takePending(), true);
                }
            }
            if (mode == Mode.SSE) {
                String eventId = owner.store(id, json);
                if (live != null) {
                    live.event(eventId, null, SseWriter.NO_RETRY, json);
                }
                return;
            }
        }
        if (answer != null) {
            answer.json(200, json);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Session {} stream {}: dropped a {} after the JSON answer", owner.session.id(), id, kind);
        }
    }

    @Override
    public synchronized boolean isOpen() {
        if (post) {
            return !done && !owner.session.isClosed();
        }
        return live != null && live.isOpen();
    }

    /**
     * The server ended the session (an operator terminated it, or it expired): every stream of the session ends
     * now rather than at the next keep-alive round, and its next request gets 404.
     */
    @Override
    public void sessionClosed() {
        owner.shutdown(404, "Session closed");
    }

    /**
     * Ends the SSE response but not the stream (SEP-1699 polling): later messages are stored until the client
     * resumes. Ignored for sessions older than 2025-11-25, whose clients got no priming event to resume from.
     */
    @Override
    public void closeStream() {
        SseWriter ending;
        synchronized (this) {
            if (done || mode == Mode.JSON || !owner.resumable()) {
                return;
            }
            if (mode == Mode.UNDECIDED) {
                live = open(takePending(), true);
            }
            ending = live;
            live = null;
        }
        if (ending != null) {
            ending.end();
        }
    }

    /** The POST's {@code receive} stage completed: every response has been sent. */
    void complete(Throwable failure) {
        Exchange unanswered = null;
        SseWriter ending;
        synchronized (this) {
            done = true;
            if (mode == Mode.UNDECIDED) {
                mode = Mode.JSON;
                unanswered = pending;
                pending = null;
            }
            ending = live;
            live = null;
        }
        owner.ended(this);
        if (unanswered != null) {
            if (failure != null) {
                LOG.warn("Session {}: a request failed before any response", owner.session.id(), failure);
            }
            unanswered.json(500, McpHttp.error(McpHttp.INTERNAL_ERROR,
                    failure == null ? "The server sent no response" : "Internal error"));
        }
        if (ending != null) {
            ending.end();
        }
    }

    /**
     * Replays what followed {@code lastEventId} on {@code exchange}, then continues live until this POST stream
     * completes.
     *
     * @return false when {@code lastEventId} is not one of this session's event ids (nothing was written)
     */
    boolean resume(String lastEventId, Exchange exchange) {
        SseWriter previous;
        synchronized (this) {
            List<Object[]> events = new ArrayList<>();
            Optional<String> stream = owner.replay(lastEventId,
                    (eventId, message) -> events.add(new Object[] {eventId, message}));
            if (stream.isEmpty()) {
                return false;
            }
            SseWriter w = open(exchange, false);
            for (Object[] e : events) {
                w.event((String) e[0], null, SseWriter.NO_RETRY, (byte[]) e[1]);
            }
            if (done) {
                w.end();
                return true;
            }
            if (events.isEmpty()) {
                // Nothing to replay: start the response now, not at the next event, so the client knows it is back.
                w.comment("resumed");
            }
            previous = live;
            live = w;
        }
        if (previous != null) {
            previous.end();
        }
        return true;
    }

    /** Ends the HTTP side: the session is gone, or this transport is stopping. */
    void shutdown(int status, String message) {
        Exchange unanswered;
        SseWriter ending;
        synchronized (this) {
            done = true;
            unanswered = pending;
            pending = null;
            ending = live;
            live = null;
        }
        if (unanswered != null) {
            unanswered.json(status, McpHttp.error(status == 404 ? McpHttp.SESSION_NOT_FOUND : McpHttp.SERVER_ERROR,
                    message));
        }
        if (ending != null) {
            ending.end();
        }
    }

    /** Sends keep-alive comments to the live response, if any. */
    void keepAlive() {
        SseWriter w;
        synchronized (this) {
            w = live;
        }
        if (w != null) {
            w.comment("keep-alive");
        }
    }

    private Exchange takePending() {
        Exchange e = pending;
        pending = null;
        mode = Mode.SSE;
        return e;
    }

    /** Opens an SSE response (caller holds the lock); a fresh stream of a resumable session gets a priming event. */
    private SseWriter open(Exchange exchange, boolean priming) {
        SseWriter[] self = new SseWriter[1];
        SseWriter w = exchange.sse(owner.settings().sseQueueBytes(), () -> lost(self[0]));
        self[0] = w;
        if (priming && owner.resumable()) {
            // Priming event (SEP-1699): an id and a reconnection delay with empty data.
            w.event(owner.store(id, NOTHING), null, owner.settings().retryMillis(), NOTHING);
        }
        return w;
    }

    /** A response ended (closed by us, or the client went away): the stream carries on without it. */
    private void lost(SseWriter w) {
        boolean detach;
        synchronized (this) {
            if (live == w) {
                live = null;
            }
            detach = !post && live == null;
        }
        if (detach) {
            owner.standaloneEnded(this);
        }
    }
}
