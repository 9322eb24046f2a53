// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.erlmcp.transport.events.EventStore;

/**
 * The default {@link EventStore}: events in memory, in the node bundle, which is not restarted when a transport is
 * reloaded, so a client resumes its SSE stream across a reload of the Streamable HTTP transport.
 *
 * <p>Bounded three ways: at most {@code max.events.per.stream} events per stream, {@code max.bytes} message bytes
 * in all, and no event older than {@code max.age.seconds}; the oldest events go first. Event ids are
 * {@code <streamId>-<n>} with one sequence for the whole store, so they are unique within every session (also
 * across the session's transport instances) and a replay needs no index. A session costs nothing until its first
 * event; its bookkeeping goes with {@link #forgetSession}, or after {@code max.session.idle.seconds} without
 * events as a safety net for sessions nobody forgot.
 */
@Component(service = EventStore.class, configurationPid = InMemoryEventStore.PID)
@Designate(ocd = InMemoryEventStore.Config.class)
public final class InMemoryEventStore implements EventStore {

    static final String PID = "io.erlmcp.event.store";

    @ObjectClassDefinition(name = "erlmcp event store",
            description = "Events of resumable SSE streams (Last-Event-ID), kept across transport reloads")
    public @interface Config {
        @AttributeDefinition(name = "Events per stream", description = "Events kept per stream for resumption")
        int max_events_per_stream() default 1_000;

        @AttributeDefinition(name = "Bytes", description = "Message bytes kept in all, over every session")
        long max_bytes() default 64L << 20;

        @AttributeDefinition(name = "Age", description = "Seconds an event is kept for resumption")
        long max_age_seconds() default 300;

        @AttributeDefinition(name = "Session idle time", description = "Seconds after which a session without "
                + "events and without stores or replays is forgotten (its transport normally forgets it at its end)")
        long max_session_idle_seconds() default 24 * 3600;
    }

    /** One stored event: in its stream's queue and in the store-wide list, oldest first. */
    private static final class Entry {
        final Session session;
        final String streamId;
        final long seq;
        final byte[] message;
        final long storedNanos;
        Entry prev;
        Entry next;

        Entry(Session session, String streamId, long seq, byte[] message, long storedNanos) {
            this.session = session;
            this.streamId = streamId;
            this.seq = seq;
            this.message = message;
            this.storedNanos = storedNanos;
        }
    }

    /** One session's streams that hold events (a stream without events has no entry). */
    private static final class Session {
        final String id;
        final Map<String, ArrayDeque<Entry>> streams = new HashMap<>(4);
        long usedNanos;

        Session(String id) {
            this.id = id;
        }
    }

    private final int maxPerStream;
    private final long maxBytes;
    private final long maxAgeNanos;
    private final long maxIdleNanos;
    private final LongSupplier nanoTime;
    // Everything below is guarded by this.
    private final Map<String, Session> sessions = new HashMap<>();
    private Entry oldest;
    private Entry newest;
    private long bytes;
    private int events;
    private long nextSeq = 1;
    private long sweptNanos;

    @Activate
    public InMemoryEventStore(Config config) {
        this(config.max_events_per_stream(), config.max_bytes(),
                TimeUnit.SECONDS.toNanos(config.max_age_seconds()),
                TimeUnit.SECONDS.toNanos(config.max_session_idle_seconds()), System::nanoTime);
    }

    /** A store outside OSGi (tests of the transports use the real one). */
    public InMemoryEventStore(int maxEventsPerStream, long maxBytes, Duration maxAge, Duration maxSessionIdle) {
        this(maxEventsPerStream, maxBytes, maxAge.toNanos(), maxSessionIdle.toNanos(), System::nanoTime);
    }

    InMemoryEventStore(int maxPerStream, long maxBytes, long maxAgeNanos, long maxIdleNanos, LongSupplier nanoTime) {
        if (maxPerStream < 1 || maxBytes < 1 || maxAgeNanos < 1 || maxIdleNanos < 1) {
            throw new IllegalArgumentException(PID + ": max.events.per.stream, max.bytes, max.age.seconds and "
                    + "max.session.idle.seconds must be positive");
        }
        this.maxPerStream = maxPerStream;
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
        this.maxIdleNanos = maxIdleNanos;
        this.nanoTime = nanoTime;
        this.sweptNanos = nanoTime.getAsLong();
    }

    @Override
    public String storeEvent(String sessionId, String streamId, byte[] message) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(message, "message");
        checkStreamId(streamId);
        long seq;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            seq = nextSeq++;
            Session s = sessions.computeIfAbsent(sessionId, Session::new);
            s.usedNanos = now;
            if (message.length > 0) { // a priming event is never replayed: its id is all it needs
                Entry e = new Entry(s, streamId, seq, message, now);
                ArrayDeque<Entry> stream = s.streams.computeIfAbsent(streamId, k -> new ArrayDeque<>(4));
                stream.addLast(e);
                link(e);
                if (stream.size() > maxPerStream) {
                    remove(stream.peekFirst());
                }
            }
            evict(now);
            sweep(now);
        }
        return streamId + '-' + seq;
    }

    @Override
    public Optional<String> streamOf(String sessionId, String eventId) {
        Id id = Id.parse(eventId);
        if (id == null) {
            return Optional.empty();
        }
        synchronized (this) {
            return known(sessionId, id) ? Optional.of(id.streamId) : Optional.empty();
        }
    }

    @Override
    public Optional<String> replayEventsAfter(String sessionId, String lastEventId, Sink sink) {
        Id id = Id.parse(lastEventId);
        if (id == null) {
            return Optional.empty();
        }
        List<Entry> replay = new ArrayList<>();
        synchronized (this) {
            if (!known(sessionId, id)) {
                return Optional.empty();
            }
            long now = nanoTime.getAsLong();
            evict(now);
            Session s = sessions.get(sessionId);
            if (s != null) {
                s.usedNanos = now;
                ArrayDeque<Entry> stream = s.streams.get(id.streamId);
                if (stream != null) {
                    for (Entry e : stream) {
                        if (e.seq > id.seq) {
                            replay.add(e);
                        }
                    }
                }
            }
        }
        for (Entry e : replay) {
            sink.event(e.streamId + '-' + e.seq, e.message);
        }
        return Optional.of(id.streamId);
    }

    @Override
    public synchronized void forgetSession(String sessionId) {
        Session s = sessionId == null ? null : sessions.remove(sessionId);
        if (s != null) {
            for (ArrayDeque<Entry> stream : s.streams.values()) {
                for (Entry e : stream) {
                    unlink(e);
                }
            }
            s.streams.clear();
        }
        // Sessions end now and then even when no events flow: a chance to let old ones go.
        long now = nanoTime.getAsLong();
        evict(now);
        sweep(now);
    }

    /** @return events held (for tests) */
    synchronized int size() {
        return events;
    }

    /** @return message bytes held (for tests) */
    synchronized long bytes() {
        return bytes;
    }

    /** @return sessions with bookkeeping (for tests) */
    synchronized int sessions() {
        return sessions.size();
    }

    private boolean known(String sessionId, Id id) {
        return id.seq < nextSeq && sessionId != null && sessions.containsKey(sessionId);
    }

    private void evict(long now) {
        while (oldest != null && (bytes > maxBytes || now - oldest.storedNanos > maxAgeNanos)) {
            remove(oldest);
        }
    }

    /** Forgets sessions without events that nobody used for {@code maxIdleNanos}; at most a few times per idle time. */
    private void sweep(long now) {
        if (now - sweptNanos < Math.min(maxIdleNanos / 4, TimeUnit.MINUTES.toNanos(1))) {
            return;
        }
        sweptNanos = now;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext();) {
            Session s = it.next();
            if (s.streams.isEmpty() && now - s.usedNanos > maxIdleNanos) {
                it.remove();
            }
        }
    }

    /** Removes {@code e}, which is the oldest of its stream. */
    private void remove(Entry e) {
        ArrayDeque<Entry> stream = e.session.streams.get(e.streamId);
        if (stream != null && stream.peekFirst() == e) {
            stream.pollFirst();
            if (stream.isEmpty()) {
                e.session.streams.remove(e.streamId);
            }
        }
        unlink(e);
    }

    private void link(Entry e) {
        e.prev = newest;
        if (newest == null) {
            oldest = e;
        } else {
            newest.next = e;
        }
        newest = e;
        bytes += e.message.length;
        events++;
    }

    private void unlink(Entry e) {
        if (e.prev == null) {
            oldest = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            newest = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        bytes -= e.message.length;
        events--;
    }

    private static void checkStreamId(String streamId) {
        if (!validStreamId(streamId)) {
            throw new IllegalArgumentException("a stream id is one or more letters, digits and '.', not "
                    + (streamId == null ? null : "'" + streamId + "'"));
        }
    }

    private static boolean validStreamId(String streamId) {
        if (streamId == null || streamId.isEmpty()) {
            return false;
        }
        for (int i = 0; i < streamId.length(); i++) {
            char c = streamId.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** An event id taken apart. */
    private record Id(String streamId, long seq) {
        static Id parse(String eventId) {
            int dash = eventId == null ? -1 : eventId.lastIndexOf('-');
            if (dash <= 0 || dash == eventId.length() - 1 || eventId.length() - dash > 19
                    || !validStreamId(eventId.substring(0, dash))) {
                return null;
            }
            for (int i = dash + 1; i < eventId.length(); i++) {
                if (eventId.charAt(i) < '0' || eventId.charAt(i) > '9') {
                    return null;
                }
            }
            try {
                long seq = Long.parseLong(eventId.substring(dash + 1));
                return seq > 0 ? new Id(eventId.substring(0, dash), seq) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
