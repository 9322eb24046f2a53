// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.transport.events.EventStore;

/**
 * Issue 4: the Streamable HTTP transport keeps its SSE events in the highest-ranked {@link EventStore} service, so
 * an operator can deploy another store without touching the transport; when it goes, the default one (node bundle)
 * is used again.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class EventStoreServiceIT {

    @InjectBundleContext
    BundleContext context;

    /** Records what the transport stores and hands everything to the default store. */
    private static final class RecordingStore implements EventStore {
        final EventStore delegate;
        final List<String> stored = new CopyOnWriteArrayList<>();

        RecordingStore(EventStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public String storeEvent(String sessionId, String streamId, byte[] message) {
            stored.add(sessionId + " " + streamId);
            return delegate.storeEvent(sessionId, streamId, message);
        }

        @Override
        public Optional<String> streamOf(String sessionId, String eventId) {
            return delegate.streamOf(sessionId, eventId);
        }

        @Override
        public Optional<String> replayEventsAfter(String sessionId, String lastEventId, Sink sink) {
            return delegate.replayEventsAfter(sessionId, lastEventId, sink);
        }

        @Override
        public void forgetSession(String sessionId) {
            delegate.forgetSession(sessionId);
        }
    }

    @Test
    void theTransportUsesTheHighestRankedStoreAndFallsBackWhenItGoes(
            @InjectService(timeout = 10_000) ConfigurationAdmin configAdmin,
            @InjectService(timeout = 10_000) EventStore defaultStore) throws Exception {
        int port = EngineReloadSessionIT.httpPort(configAdmin);
        RecordingStore recording = new RecordingStore(defaultStore);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, 100);
        ServiceRegistration<EventStore> registration = context.registerService(EventStore.class, recording, props);
        try {
            String session = initialize(port);
            // A GET stream starts with a priming event, stored before it is sent.
            try (EngineReloadSessionIT.SseLines stream = EngineReloadSessionIT.SseLines.open(port, session, null)) {
                assertThat(stream.status()).isEqualTo(200);
                String primingId = stream.nextId();
                assertThat(recording.stored).anyMatch(s -> s.startsWith(session + " g"));
                assertThat(defaultStore.streamOf(session, primingId)).isPresent();
            }
        } finally {
            registration.unregister();
        }
        int before = recording.stored.size();
        String other = initialize(port);
        try (EngineReloadSessionIT.SseLines stream = EngineReloadSessionIT.SseLines.open(port, other, null)) {
            assertThat(stream.status()).isEqualTo(200);
            String primingId = stream.nextId();
            assertThat(defaultStore.streamOf(other, primingId)).as("the default store again").isPresent();
        }
        assertThat(recording.stored).hasSize(before);
    }

    private static String initialize(int port) throws Exception {
        HttpResponse<String> init = EngineReloadSessionIT.post(port, null, "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"itest-events\",\"version\":\"1\"}}}");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(EngineReloadSessionIT.post(port, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .statusCode()).isEqualTo(202);
        return id;
    }
}
