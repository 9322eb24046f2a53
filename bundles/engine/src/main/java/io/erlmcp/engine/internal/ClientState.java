// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.mcp.Implementation;

/**
 * What a client told about itself in {@code initialize}: its {@code clientInfo} and capabilities as JSON text
 * (what the session store keeps), and the capabilities a server asks about as flags. Immutable, so sessions whose
 * clients sent the same share one instance ({@link Interner}): many sessions of one client program cost one
 * reference each.
 */
final class ClientState {

    /** Before {@code initialize}: no clientInfo, no capabilities. */
    static final ClientState NONE = new ClientState(null, null);

    private static final String[] FLAGGED = {"roots", "sampling", "elicitation", "tasks", "experimental"};
    private static final int ELICITATION_URL = 1 << FLAGGED.length;

    private final String infoJson;
    private final String capabilitiesJson;
    /** Bit {@code i}: capability {@code FLAGGED[i]} is declared (and not null); {@link #ELICITATION_URL}. */
    private final int flags;

    private ClientState(String infoJson, String capabilitiesJson) {
        this.infoJson = infoJson;
        this.capabilitiesJson = capabilitiesJson;
        int f = 0;
        JsonNode caps = capabilities();
        if (caps != null) {
            for (int i = 0; i < FLAGGED.length; i++) {
                if (declared(caps, FLAGGED[i])) {
                    f |= 1 << i;
                }
            }
            if (caps.path("elicitation").has("url")) {
                f |= ELICITATION_URL;
            }
        }
        this.flags = f;
    }

    /** @return the client's {@code clientInfo} object as JSON text, or {@code null} */
    String infoJson() {
        return infoJson;
    }

    /** @return the client's capabilities object as JSON text, or {@code null} before {@code initialize} */
    String capabilitiesJson() {
        return capabilitiesJson;
    }

    /** @return the client's {@code clientInfo}, read from its JSON on every call (rarely asked for) */
    Implementation info() {
        if (infoJson == null) {
            return null;
        }
        JsonNode info = Json.tree(infoJson);
        return info != null && info.isObject() ? new Implementation(info.path("name").asText(null),
                info.path("version").asText(null), info.hasNonNull("title") ? info.get("title").asText() : null)
                : null;
    }

    /** @return whether the client declared {@code capability} (present and not null) */
    boolean supports(String capability) {
        for (int i = 0; i < FLAGGED.length; i++) {
            if (FLAGGED[i].equals(capability)) {
                return (flags & 1 << i) != 0;
            }
        }
        JsonNode caps = capabilities();
        return caps != null && declared(caps, capability);
    }

    /** @return whether the client declared {@code elicitation.url} */
    boolean supportsElicitationUrl() {
        return (flags & ELICITATION_URL) != 0;
    }

    private JsonNode capabilities() {
        return capabilitiesJson == null ? null : Json.tree(capabilitiesJson);
    }

    private static boolean declared(JsonNode caps, String capability) {
        return caps.has(capability) && !caps.get(capability).isNull();
    }

    /**
     * Hands out one instance per distinct ({@code clientInfo}, capabilities), for at most {@code max} distinct
     * pairs; past that every session gets its own (a bound, so that clients sending ever new values cannot grow
     * it).
     */
    static final class Interner {
        private final Map<String, ClientState> known = new ConcurrentHashMap<>();
        private final int max;

        Interner(int max) {
            this.max = max;
        }

        /**
         * @param infoJson         {@code clientInfo} as JSON text, or {@code null}
         * @param capabilitiesJson the capabilities as JSON text, or {@code null}
         */
        ClientState of(String infoJson, String capabilitiesJson) {
            if (infoJson == null && capabilitiesJson == null) {
                return NONE;
            }
            String key = infoJson + '\n' + capabilitiesJson; // neither JSON text has a raw line break
            ClientState c = known.get(key);
            if (c != null) {
                return c;
            }
            c = new ClientState(infoJson, capabilitiesJson);
            if (known.size() < max) {
                ClientState won = known.putIfAbsent(key, c);
                return won != null ? won : c;
            }
            return c;
        }
    }
}
