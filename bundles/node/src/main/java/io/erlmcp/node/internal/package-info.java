// SPDX-License-Identifier: Apache-2.0
/** The node's identity and the health service that combines every registered check. */
package io.erlmcp.node.internal;
