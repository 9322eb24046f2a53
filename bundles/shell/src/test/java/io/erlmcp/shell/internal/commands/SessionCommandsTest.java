// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.shell.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.erlmcp.mcp.Implementation;
import io.erlmcp.mcp.SessionInfo;
import io.erlmcp.mcp.SessionRegistry;
import io.erlmcp.mcp.SessionStats;

/**
 * The session commands' rows, errors and terminate paths over a registry kept in a map (the node's engine is
 * exercised by the release tests in itests/client).
 */
class SessionCommandsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    /** Sessions in a map; terminate removes. */
    static final class MapRegistry implements SessionRegistry {
        final Map<String, SessionInfo> open = new ConcurrentHashMap<>();
        final List<String> terminated = new ArrayList<>();

        void add(String id, String transport, int ageSeconds, int idleSeconds) {
            open.put(id, new SessionInfo(id, transport, "127.0.0.1:5" + id.length(), "2025-11-25",
                    new Implementation("claude-code", "2.1", null), NOW.minusSeconds(ageSeconds),
                    NOW.minusSeconds(idleSeconds), 1, 0, 7));
        }

        @Override
        public List<SessionInfo> list() {
            return List.copyOf(open.values());
        }

        @Override
        public Optional<SessionInfo> get(String id) {
            return Optional.ofNullable(open.get(id));
        }

        @Override
        public boolean terminate(String id) {
            terminated.add(id);
            return open.remove(id) != null;
        }

        @Override
        public SessionStats stats() {
            return new SessionStats(open.size(), 5, 5 - open.size(), 1, open.size(), 40);
        }
    }

    private final MapRegistry registry = new MapRegistry();
    private final Sessions sessions = new Sessions(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    private final SessionCommands commands = new SessionCommands(sessions);

    @Test
    void listIsOldestFirstWithAgeIdleAndClient() {
        registry.add("b", "ws", 10, 2);
        registry.add("a", "tcp", 60, 30);
        List<Map<String, Object>> rows = commands.list();
        assertThat(rows).extracting(r -> r.get("id")).containsExactly("a", "b");
        assertThat(rows.get(0)).containsEntry("transport", "tcp").containsEntry("age_seconds", 60L)
                .containsEntry("idle_seconds", 30L).containsEntry("client", "claude-code 2.1")
                .containsEntry("protocol_version", "2025-11-25").containsEntry("requests", 7L);
        assertThat(commands.list("ws")).extracting(r -> r.get("id")).containsExactly("b");
        assertThat(commands.list("sse")).isEmpty();
    }

    @Test
    void anUnknownIdNamesTheCommandThatListsSessions() {
        assertThatThrownBy(() -> commands.get("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no open session 'nope'; erlmcp_session:list shows the open ones");
        assertThatThrownBy(() -> commands.terminate("nope")).hasMessageContaining("erlmcp_session:list");
        assertThat(registry.terminated).isEmpty();
    }

    @Test
    void terminateEndsTheSessionAndSaysWhat() {
        registry.add("a", "tcp", 60, 30);
        Map<String, Object> out = commands.terminate("a", "abuse");
        assertThat(out).containsEntry("terminated", "a").containsEntry("transport", "tcp")
                .containsEntry("reason", "abuse").containsEntry("cancelled_requests", 1);
        assertThat(registry.open).isEmpty();
    }

    @Test
    void disconnectAllEndsOnlyThatTransport() {
        registry.add("a", "tcp", 60, 30);
        registry.add("bb", "tcp", 50, 30);
        registry.add("c", "ws", 40, 30);
        Map<String, Object> out = new TransportCommands.Disconnect(sessions, "tcp").disconnect_all();
        assertThat(out).containsEntry("disconnected", 2);
        assertThat(registry.open).containsOnlyKeys("c");
        assertThat(new ConnectionCommands(sessions).count()).containsExactlyEntriesOf(Map.of("ws", 1));
        assertThat(new ConnectionCommands(sessions).count("tcp")).isZero();
    }

    @Test
    void statsCountPerTransport() {
        registry.add("a", "tcp", 60, 30);
        registry.add("b", "http", 60, 30);
        registry.add("c", "http", 60, 30);
        assertThat(commands.stats()).containsEntry("active", 3).containsEntry("requests", 40L)
                .containsEntry("by_transport", Map.of("http", 2, "tcp", 1));
    }

    @Test
    void withoutTheEngineEveryCallSaysSo() {
        SessionCommands none = new SessionCommands(new Sessions(null, Clock.systemUTC()));
        assertThatThrownBy(none::list).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the MCP engine is not running");
    }
}
