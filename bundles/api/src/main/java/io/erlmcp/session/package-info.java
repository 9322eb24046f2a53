// SPDX-License-Identifier: Apache-2.0
/**
 * Session state kept outside the bundles that are reloaded. The engine writes what a new engine instance needs to
 * resume serving a session to a {@link io.erlmcp.session.SessionStore} registered by a stable bundle, so that
 * updating or refreshing the engine bundle keeps sessions: clients go on with the same session id.
 */
@Export
@Version("1.0.0")
package io.erlmcp.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
