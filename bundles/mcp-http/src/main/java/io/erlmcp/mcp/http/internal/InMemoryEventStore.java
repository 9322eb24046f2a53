// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An {@link EventStore} in memory, bounded by event count, bytes and age; the oldest events go first. Event ids
 * are {@code <streamId>-<seq>} with one sequence for the whole store, so a replay needs no index per stream.
 */
final class InMemoryEventStore implements EventStore {

    private record Entry(String streamId, long seq, byte[] message, long storedNanos) {
    }

    private final int maxEvents;
    private final long maxBytes;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    private long nextSeq = 1;

    InMemoryEventStore(int maxEvents, long maxBytes, long maxAgeNanos, LongSupplier nanoTime) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized String storeEvent(String streamId, byte[] message) {
        if (streamId.indexOf('-') >= 0) {
            throw new IllegalArgumentException("stream id must not contain '-': " + streamId);
        }
        Entry entry = new Entry(streamId, nextSeq++, message, nanoTime.getAsLong());
        entries.addLast(entry);
        bytes += message.length;
        evict(entry.storedNanos());
        return streamId + "-" + entry.seq();
    }

    @Override
    public Optional<String> replayEventsAfter(String lastEventId, Sink sink) {
        int dash = lastEventId.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        String streamId = lastEventId.substring(0, dash);
        long after;
        try {
            after = Long.parseLong(lastEventId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        List<Entry> replay = new ArrayList<>();
        synchronized (this) {
            if (after <= 0 || after >= nextSeq) {
                return Optional.empty();
            }
            evict(nanoTime.getAsLong());
            for (Entry e : entries) {
                if (e.seq() > after && e.streamId().equals(streamId) && e.message().length > 0) {
                    replay.add(e);
                }
            }
        }
        for (Entry e : replay) {
            sink.event(e.streamId() + "-" + e.seq(), e.message());
        }
        return Optional.of(streamId);
    }

    /** @return the number of events held (for tests) */
    synchronized int size() {
        return entries.size();
    }

    private void evict(long now) {
        while (!entries.isEmpty()) {
            Entry first = entries.peekFirst();
            if (entries.size() > maxEvents || bytes > maxBytes || now - first.storedNanos() > maxAgeNanos) {
                entries.removeFirst();
                bytes -= first.message().length;
            } else {
                return;
            }
        }
    }
}
