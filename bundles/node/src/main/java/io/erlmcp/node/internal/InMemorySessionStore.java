// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.node.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.erlmcp.session.SessionRecord;
import io.erlmcp.session.SessionStore;

/**
 * The default {@link SessionStore}: session records in memory, in the node bundle, which imports nothing of the
 * engine and so keeps running while the engine (or a transport, or a tool bundle) is updated and refreshed.
 * Sessions survive reloads of bundles, not a restart of the node.
 *
 * <p>Bounded: when it holds {@code max.sessions} records, storing a new one first drops records idle longer than
 * {@code max.idle.seconds} and then, if still full, the least recently active one. Idle sessions are normally
 * ended by the engine (its idle timeout), which removes their records; {@code max.idle.seconds} is only a safety
 * net for records no engine looks after.
 */
@Component(service = SessionStore.class, configurationPid = InMemorySessionStore.PID)
@Designate(ocd = InMemorySessionStore.Config.class)
public final class InMemorySessionStore implements SessionStore {

    static final String PID = "io.erlmcp.session.store";

    @ObjectClassDefinition(name = "erlmcp session store", description = "Session state kept across engine reloads")
    public @interface Config {
        @AttributeDefinition(name = "Maximum sessions", description = "Records held at most")
        int max_sessions() default 10_000;

        @AttributeDefinition(name = "Maximum idle time",
                description = "Seconds after which a record without activity is dropped (0: keep until removed)")
        long max_idle_seconds() default 24 * 3600;
    }

    private final Map<String, SessionRecord> records = new ConcurrentHashMap<>();
    private final int maxSessions;
    private final Duration maxIdle;
    private final Clock clock;

    @Activate
    public InMemorySessionStore(Config config) {
        this(config.max_sessions(), Duration.ofSeconds(Math.max(0, config.max_idle_seconds())), Clock.systemUTC());
    }

    InMemorySessionStore(int maxSessions, Duration maxIdle, Clock clock) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("max.sessions must be positive: " + maxSessions);
        }
        this.maxSessions = maxSessions;
        this.maxIdle = maxIdle;
        this.clock = clock;
    }

    @Override
    public void put(SessionRecord record) {
        Objects.requireNonNull(record, "record");
        if (!records.containsKey(record.id()) && records.size() >= maxSessions) {
            synchronized (this) {
                purgeIdle();
                while (records.size() >= maxSessions) {
                    SessionRecord oldest = null;
                    for (SessionRecord r : records.values()) {
                        if (oldest == null || r.lastActive().isBefore(oldest.lastActive())) {
                            oldest = r;
                        }
                    }
                    if (oldest == null) {
                        break;
                    }
                    records.remove(oldest.id(), oldest);
                }
            }
        }
        records.put(record.id(), record);
    }

    @Override
    public Optional<SessionRecord> get(String sessionId) {
        SessionRecord r = sessionId == null ? null : records.get(sessionId);
        if (r != null && expired(r, clock.instant())) {
            records.remove(sessionId, r);
            return Optional.empty();
        }
        return Optional.ofNullable(r);
    }

    @Override
    public boolean remove(String sessionId) {
        return sessionId != null && records.remove(sessionId) != null;
    }

    @Override
    public List<SessionRecord> list() {
        purgeIdle();
        return new ArrayList<>(records.values());
    }

    int size() {
        return records.size();
    }

    private void purgeIdle() {
        if (maxIdle.isZero()) {
            return;
        }
        Instant now = clock.instant();
        records.values().removeIf(r -> expired(r, now));
    }

    private boolean expired(SessionRecord r, Instant now) {
        return !maxIdle.isZero() && r.lastActive().plus(maxIdle).isBefore(now);
    }
}
