// SPDX-License-Identifier: Apache-2.0
/** The hot-deploy watcher, the two-phase reload service, the request gate and their Gogo commands. */
package io.erlmcp.hotdeploy.internal;
