// SPDX-License-Identifier: Apache-2.0
/** Integration tests that run inside Felix with the default features' bundles. */
package io.erlmcp.itests;
