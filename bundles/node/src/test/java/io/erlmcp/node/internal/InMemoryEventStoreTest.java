// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class InMemoryEventStoreTest {

    private static final long NEVER = Long.MAX_VALUE;
    private final AtomicLong now = new AtomicLong();

    private InMemoryEventStore store(int perStream, long bytes, long ageNanos) {
        return new InMemoryEventStore(perStream, bytes, ageNanos, NEVER, now::get);
    }

    private static byte[] m(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> replay(InMemoryEventStore store, String session, String after) {
        List<String> seen = new ArrayList<>();
        store.replayEventsAfter(session, after,
                (id, message) -> seen.add(id + "=" + new String(message, StandardCharsets.UTF_8)));
        return seen;
    }

    private static List<String> messages(List<String> replayed) {
        return replayed.stream().map(s -> s.substring(s.indexOf('=') + 1)).toList();
    }

    @Test
    void replaysOnlyLaterEventsOfTheSameStreamAndSessionAndSkipsPriming() {
        InMemoryEventStore store = store(100, 1 << 20, NEVER);
        String priming = store.storeEvent("s1", "p1", new byte[0]);
        String a = store.storeEvent("s1", "p1", m("a"));
        store.storeEvent("s1", "p2", m("other stream"));
        store.storeEvent("s2", "p1", m("other session"));
        String b = store.storeEvent("s1", "p1", m("b"));
        assertThat(replay(store, "s1", priming)).containsExactly(a + "=a", b + "=b");
        assertThat(replay(store, "s1", a)).containsExactly(b + "=b");
        assertThat(replay(store, "s1", b)).isEmpty();
        assertThat(store.replayEventsAfter("s1", b, (i, x) -> { })).contains("p1");
        assertThat(store.streamOf("s1", a)).contains("p1");
        // A session only ever sees its own events.
        assertThat(messages(replay(store, "s2", priming))).containsExactly("other session");
    }

    @Test
    void eventIdsAreUniqueWithinASessionEvenForAReusedStreamName() {
        InMemoryEventStore store = store(100, 1 << 20, NEVER);
        String first = store.storeEvent("s1", "g1", m("1"));
        String again = store.storeEvent("s1", "g1", m("1"));
        String other = store.storeEvent("s2", "g1", m("1"));
        assertThat(List.of(first, again, other)).doesNotHaveDuplicates();
    }

    @Test
    void unknownIdsAreRefused() {
        InMemoryEventStore store = store(100, 1 << 20, NEVER);
        String a = store.storeEvent("s1", "p1", m("a"));
        for (String bad : new String[] {"garbage", "p1-99", "p1-x", "-1", "p1-", "p1-0", "p1--1"}) {
            assertThat(store.replayEventsAfter("s1", bad, (i, x) -> { })).as(bad).isEmpty();
            assertThat(store.streamOf("s1", bad)).as(bad).isEmpty();
        }
        assertThat(store.replayEventsAfter("unknown-session", a, (i, x) -> { })).isEmpty();
        assertThat(store.replayEventsAfter("s1", null, (i, x) -> { })).isEmpty();
    }

    @Test
    void streamIdsWithADashOrOtherSeparatorsAreRefused() {
        InMemoryEventStore store = store(100, 1 << 20, NEVER);
        for (String bad : new String[] {"p-1", "", "p 1", "p/1"}) {
            assertThatThrownBy(() -> store.storeEvent("s1", bad, m("x"))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.storeEvent("s1", "p1.abc", m("x"))).startsWith("p1.abc-");
    }

    @Test
    void boundedByEventsPerStreamTotalBytesAndAge() {
        InMemoryEventStore byCount = store(2, 1 << 20, NEVER);
        String first = byCount.storeEvent("s1", "p1", m("1"));
        byCount.storeEvent("s1", "p1", m("2"));
        byCount.storeEvent("s1", "p1", m("3"));
        byCount.storeEvent("s1", "p2", m("4"));
        assertThat(byCount.size()).isEqualTo(3); // the bound is per stream
        assertThat(messages(replay(byCount, "s1", first))).containsExactly("2", "3");

        InMemoryEventStore byBytes = store(100, 10, NEVER);
        byBytes.storeEvent("s1", "p1", m("123456"));
        String kept = byBytes.storeEvent("s2", "p1", m("abcdef")); // over every session: the oldest goes
        assertThat(byBytes.size()).isEqualTo(1);
        assertThat(byBytes.bytes()).isEqualTo(6);
        assertThat(replay(byBytes, "s1", "p1-1")).isEmpty();
        assertThat(kept).endsWith("-2");

        InMemoryEventStore byAge = store(100, 1 << 20, 1_000);
        String old = byAge.storeEvent("s1", "p1", m("old"));
        now.addAndGet(2_000);
        byAge.storeEvent("s1", "p1", m("new"));
        assertThat(byAge.size()).isEqualTo(1);
        assertThat(messages(replay(byAge, "s1", old))).containsExactly("new");
        now.addAndGet(2_000);
        assertThat(replay(byAge, "s1", old)).isEmpty(); // expired on replay, not only on store
        assertThat(byAge.size()).isZero();
    }

    @Test
    void aSessionCostsNothingBeforeItsFirstEventAndNothingAfterItIsForgotten() {
        InMemoryEventStore store = store(100, 1 << 20, NEVER);
        assertThat(store.sessions()).isZero();
        String priming = store.storeEvent("s1", "g1", new byte[0]);
        store.storeEvent("s1", "g1", m("a"));
        store.storeEvent("s1", "p2", m("b"));
        assertThat(store.sessions()).isEqualTo(1);
        store.forgetSession("s1");
        store.forgetSession("s1");
        assertThat(store.sessions()).isZero();
        assertThat(store.size()).isZero();
        assertThat(store.bytes()).isZero();
        assertThat(store.replayEventsAfter("s1", priming, (i, x) -> { })).isEmpty();
    }

    @Test
    void sessionsWithoutEventsAreForgottenAfterTheIdleTime() {
        InMemoryEventStore store = new InMemoryEventStore(100, 1 << 20, 1_000, 10_000, now::get);
        store.storeEvent("idle", "g1", new byte[0]);
        store.storeEvent("busy", "g1", m("x"));
        now.addAndGet(20_000);
        store.storeEvent("busy", "g1", m("y"));
        assertThat(store.sessions()).isEqualTo(1);
    }
}
