// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.events.EventStore;

/**
 * The HTTP side of one engine session: its running POST streams and its standalone GET stream; their events go to
 * the shared {@link EventStore}. Stream ids are {@code p<n>} for POST streams and {@code g<n>} for GET streams,
 * plus a suffix naming this transport instance for a session that an earlier instance served (after a reload),
 * so that a stream id is never used twice in a session.
 *
 * <p>Small on purpose (one per idle session): no map of running POST streams unless two run at once, and nothing
 * is kept in the event store before the first SSE stream.
 *
 * <p>Holds no lock while it calls the engine, and the engine is never called with a {@link Stream}'s lock held
 * for a standalone stream's end (that goes through the executor), so an engine that sends while holding its
 * own locks cannot deadlock with a transport thread.
 */
final class HttpSession {

    /** How a GET was answered. */
    enum Outcome { STREAMING, CONFLICT, UNKNOWN_EVENT }

    private static final AtomicLongFieldUpdater<HttpSession> STREAM_IDS =
            AtomicLongFieldUpdater.newUpdater(HttpSession.class, "streamIds");
    private static final AtomicReferenceFieldUpdater<HttpSession, Stream> STANDALONE =
            AtomicReferenceFieldUpdater.newUpdater(HttpSession.class, Stream.class, "standalone");

    final ServerSession session;
    final Context context;
    /** Appended to stream ids: empty, or {@code .<instance>} for a session adopted from an earlier instance. */
    private final String suffix;
    private volatile long streamIds;
    /** The running POST streams: {@code null}, one {@link Stream}, or a map of two or more. Guarded by this. */
    private Object running;
    private volatile Stream standalone;

    HttpSession(ServerSession session, Context context, String suffix) {
        this.session = session;
        this.context = context;
        this.suffix = suffix;
    }

    Settings settings() {
        return context.settings();
    }

    boolean resumable() {
        return McpHttp.resumable(session.protocolVersion());
    }

    /** Stores one event of {@code streamId}; @return its id. */
    String store(String streamId, byte[] message) {
        return context.events().get().storeEvent(session.id(), streamId, message);
    }

    /** @see EventStore#replayEventsAfter */
    Optional<String> replay(String lastEventId, EventStore.Sink sink) {
        return context.events().get().replayEventsAfter(session.id(), lastEventId, sink);
    }

    /** The session has ended: its events are of no use any more. */
    void forget() {
        EventStore store = context.events().get();
        if (store != null) { // null only while this transport is being deactivated
            store.forgetSession(session.id());
        }
    }

    private String nextStreamId(char kind) {
        return kind + Long.toString(STREAM_IDS.incrementAndGet(this)) + suffix;
    }

    /** Starts a POST stream; the caller passes it to {@code receive}. */
    Stream post(boolean batch, Exchange exchange) {
        Stream s = Stream.forPost(this, nextStreamId('p'), batch, exchange);
        synchronized (this) {
            if (running == null) {
                running = s;
            } else {
                Map<String, Stream> m;
                if (running instanceof Stream one) {
                    m = new HashMap<>(4);
                    m.put(one.id, one);
                    running = m;
                } else {
                    m = runningMap();
                }
                m.put(s.id, s);
            }
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Stream> runningMap() {
        return (Map<String, Stream>) running;
    }

    /** @return the running POST stream with this id, or {@code null} */
    private synchronized Stream runningStream(String streamId) {
        if (running instanceof Stream one) {
            return one.id.equals(streamId) ? one : null;
        }
        return running == null ? null : runningMap().get(streamId);
    }

    /** @return the running POST streams, removed when {@code clear} */
    private synchronized List<Stream> runningStreams(boolean clear) {
        List<Stream> all;
        if (running == null) {
            all = List.of();
        } else if (running instanceof Stream one) {
            all = List.of(one);
        } else {
            all = new ArrayList<>(runningMap().values());
        }
        if (clear) {
            running = null;
        }
        return all;
    }

    /** Where messages caused by a frame without requests go: the standalone stream, if there is one. */
    MessageChannel unrelated() {
        return new MessageChannel() {
            @Override
            public void send(byte[] json, MessageKind kind) {
                Stream s = standalone;
                if (s != null) {
                    s.send(json, kind);
                }
            }

            @Override
            public boolean isOpen() {
                Stream s = standalone;
                return s != null && s.isOpen();
            }
        };
    }

    /** Opens the standalone stream on {@code exchange}, unless one is open. */
    Outcome openStandalone(Exchange exchange) {
        Stream s = Stream.standalone(this, nextStreamId('g'));
        if (!claimStandalone(s)) {
            return Outcome.CONFLICT;
        }
        s.start(exchange);
        attach(s);
        return Outcome.STREAMING;
    }

    /** Answers a GET with {@code Last-Event-ID}. */
    Outcome resume(String lastEventId, Exchange exchange) {
        Optional<String> known = context.events().get().streamOf(session.id(), lastEventId);
        if (known.isEmpty()) {
            return Outcome.UNKNOWN_EVENT;
        }
        String streamId = known.get();
        Stream post = runningStream(streamId);
        if (post != null) {
            return post.resume(lastEventId, exchange) ? Outcome.STREAMING : Outcome.UNKNOWN_EVENT;
        }
        if (streamId.startsWith("g")) {
            // A lost standalone stream: replay what it missed, then carry on as the new standalone stream.
            Stream s = Stream.standalone(this, nextStreamId('g'));
            if (!claimStandalone(s)) {
                return Outcome.CONFLICT;
            }
            if (!s.resume(lastEventId, exchange)) {
                STANDALONE.compareAndSet(this, s, null);
                return Outcome.UNKNOWN_EVENT;
            }
            attach(s);
            return Outcome.STREAMING;
        }
        // A POST stream that already completed (or one a previous transport instance ran): replay and end.
        return Stream.finished(this, streamId).resume(lastEventId, exchange)
                ? Outcome.STREAMING : Outcome.UNKNOWN_EVENT;
    }

    /** @return whether {@code s} became the standalone stream; else the open one gets a keep-alive probe */
    private boolean claimStandalone(Stream s) {
        while (true) {
            Stream current = standalone;
            if (current != null && current.isOpen()) {
                // A client that vanished is only noticed on a write: probe it, so that a retry can succeed.
                current.keepAlive();
                return false;
            }
            if (STANDALONE.compareAndSet(this, current, s)) {
                return true;
            }
        }
    }

    private void attach(Stream s) {
        MessageChannel replaced = session.attachStandalone(s);
        if (replaced != null && replaced != s && replaced instanceof Stream old) {
            old.shutdown(404, "Session closed");
        }
    }

    synchronized void ended(Stream stream) {
        if (running == stream) {
            running = null;
        } else if (running != null && !(running instanceof Stream)) {
            Map<String, Stream> m = runningMap();
            m.remove(stream.id, stream);
            if (m.isEmpty()) {
                running = null;
            }
        }
    }

    /** A standalone stream lost its response; may be called with the stream's lock held. */
    void standaloneEnded(Stream stream) {
        STANDALONE.compareAndSet(this, stream, null);
        try {
            context.executor().execute(() -> session.detachStandalone(stream));
        } catch (RejectedExecutionException e) {
            // The transport is stopping; nothing else runs on this session's behalf any more.
            session.detachStandalone(stream);
        }
    }

    void keepAlive() {
        Stream s = standalone;
        if (s != null) {
            s.keepAlive();
        }
        for (Stream p : runningStreams(false)) {
            p.keepAlive();
        }
    }

    /** Ends every stream: the session has closed (404 for a waiting POST) or the transport stops (503). */
    void shutdown(int status, String message) {
        List<Stream> all = new ArrayList<>(runningStreams(true));
        Stream s = STANDALONE.getAndSet(this, null);
        if (s != null) {
            all.add(s);
        }
        for (Stream stream : all) {
            stream.shutdown(status, message);
        }
    }
}
