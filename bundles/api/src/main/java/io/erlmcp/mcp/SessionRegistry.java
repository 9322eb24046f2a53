// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The engine's sessions, for operators (the shell's {@code erlmcp_session:*} commands). Registered by the engine. */
@ProviderType
public interface SessionRegistry {

    /** @return every open session */
    List<SessionInfo> list();

    /** @return the session with this id, or empty */
    Optional<SessionInfo> get(String id);

    /** Closes the session (running requests are cancelled). @return whether it was open */
    boolean terminate(String id);

    /** @return the counters */
    SessionStats stats();
}
