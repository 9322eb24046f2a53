// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.erlmcp.session.SessionRecord;

class InMemorySessionStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static SessionRecord record(String id, Instant lastActive) {
        return new SessionRecord(id, "http", "2025-11-25", "{\"name\":\"c\"}", "{}", "info", Set.of("file:///a"),
                true, true, T0, lastActive);
    }

    @Test
    void putGetReplaceRemoveList() {
        InMemorySessionStore store = new InMemorySessionStore(10, Duration.ZERO, Clock.fixed(T0, ZoneOffset.UTC));
        store.put(record("a", T0));
        store.put(record("b", T0));
        store.put(record("a", T0.plusSeconds(5)));
        assertThat(store.get("a")).get().extracting(SessionRecord::lastActive).isEqualTo(T0.plusSeconds(5));
        assertThat(store.get("a").get().subscriptions()).containsExactly("file:///a");
        assertThat(store.list()).extracting(SessionRecord::id).containsExactlyInAnyOrder("a", "b");
        assertThat(store.remove("a")).isTrue();
        assertThat(store.remove("a")).isFalse();
        assertThat(store.get("a")).isEmpty();
        assertThat(store.get(null)).isEmpty();
    }

    @Test
    void fullStoreDropsTheLeastRecentlyActive() {
        InMemorySessionStore store = new InMemorySessionStore(2, Duration.ZERO, Clock.fixed(T0, ZoneOffset.UTC));
        store.put(record("old", T0));
        store.put(record("new", T0.plusSeconds(10)));
        store.put(record("newest", T0.plusSeconds(20)));
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.get("old")).isEmpty();
        assertThat(store.get("new")).isPresent();
        store.put(record("new", T0.plusSeconds(30))); // a replacement evicts nothing
        assertThat(store.list()).extracting(SessionRecord::id).containsExactlyInAnyOrder("new", "newest");
    }

    @Test
    void recordsIdleLongerThanTheLimitAreDropped() {
        InMemorySessionStore store = new InMemorySessionStore(10, Duration.ofMinutes(10),
                Clock.fixed(T0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC));
        store.put(record("stale", T0));
        store.put(record("fresh", T0.plus(Duration.ofMinutes(25))));
        assertThat(store.get("stale")).isEmpty();
        assertThat(store.list()).extracting(SessionRecord::id).containsExactly("fresh");
    }
}
