// SPDX-License-Identifier: Apache-2.0
/** Sessions across reloads of the engine bundle, through the session store. */
package io.erlmcp.itests.session;
