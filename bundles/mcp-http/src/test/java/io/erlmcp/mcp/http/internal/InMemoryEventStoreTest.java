// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class InMemoryEventStoreTest {

    private final AtomicLong now = new AtomicLong();

    private static byte[] m(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> replay(EventStore store, String after) {
        List<String> seen = new ArrayList<>();
        store.replayEventsAfter(after,
                (id, message) -> seen.add(id + "=" + new String(message, StandardCharsets.UTF_8)));
        return seen;
    }

    @Test
    void replaysOnlyLaterEventsOfTheSameStreamAndSkipsPriming() {
        InMemoryEventStore store = new InMemoryEventStore(100, 1 << 20, Long.MAX_VALUE, now::get);
        String priming = store.storeEvent("p1", new byte[0]);
        String a = store.storeEvent("p1", m("a"));
        store.storeEvent("p2", m("other"));
        String b = store.storeEvent("p1", m("b"));
        assertThat(replay(store, priming)).containsExactly(a + "=a", b + "=b");
        assertThat(replay(store, a)).containsExactly(b + "=b");
        assertThat(replay(store, b)).isEmpty();
        assertThat(store.replayEventsAfter(b, (i, x) -> { })).contains("p1");
    }

    @Test
    void unknownIdsAreRefused() {
        InMemoryEventStore store = new InMemoryEventStore(100, 1 << 20, Long.MAX_VALUE, now::get);
        store.storeEvent("p1", m("a"));
        assertThat(store.replayEventsAfter("garbage", (i, x) -> { })).isEmpty();
        assertThat(store.replayEventsAfter("p1-99", (i, x) -> { })).isEmpty();
        assertThat(store.replayEventsAfter("p1-x", (i, x) -> { })).isEmpty();
        assertThat(store.replayEventsAfter("-1", (i, x) -> { })).isEmpty();
    }

    @Test
    void boundedByCountBytesAndAge() {
        InMemoryEventStore byCount = new InMemoryEventStore(2, 1 << 20, Long.MAX_VALUE, now::get);
        String first = byCount.storeEvent("p1", m("1"));
        byCount.storeEvent("p1", m("2"));
        byCount.storeEvent("p1", m("3"));
        assertThat(byCount.size()).isEqualTo(2);
        assertThat(replay(byCount, first)).extracting(s -> s.substring(s.indexOf('=') + 1)).containsExactly("2", "3");

        InMemoryEventStore byBytes = new InMemoryEventStore(100, 10, Long.MAX_VALUE, now::get);
        byBytes.storeEvent("p1", m("123456"));
        byBytes.storeEvent("p1", m("123456"));
        assertThat(byBytes.size()).isEqualTo(1);

        InMemoryEventStore byAge = new InMemoryEventStore(100, 1 << 20, 1_000, now::get);
        String old = byAge.storeEvent("p1", m("old"));
        now.addAndGet(2_000);
        byAge.storeEvent("p1", m("new"));
        assertThat(byAge.size()).isEqualTo(1);
        assertThat(replay(byAge, old)).extracting(s -> s.substring(s.indexOf('=') + 1)).containsExactly("new");
    }
}
