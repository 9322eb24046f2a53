// SPDX-License-Identifier: Apache-2.0
/** The operator's Gogo commands, named after the runbook's console calls. */
package io.erlmcp.shell.internal.commands;
