// SPDX-License-Identifier: Apache-2.0
/** The node's Jetty server, its /health endpoint and the handler whiteboard. */
package io.erlmcp.http.internal;
