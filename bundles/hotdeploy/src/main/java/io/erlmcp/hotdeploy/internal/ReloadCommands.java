// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.erlmcp.reload.PrepareReport;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadService;
import io.erlmcp.reload.ReloadStatus;

/** {@code reload:*}: the two-phase reload from the shell; every command delegates to {@link ReloadService}. */
@Component(service = ReloadCommands.class, property = {
        "osgi.command.scope=reload",
        "osgi.command.function=prepare",
        "osgi.command.function=finish",
        "osgi.command.function=status",
        "osgi.command.function=rollback",
        "osgi.command.function=cancel" })
public class ReloadCommands {

    private final ReloadService reload;

    @Activate
    public ReloadCommands(@Reference ReloadService reload) {
        this.reload = reload;
    }

    @Descriptor("check new revisions beside the live ones without touching traffic; reports what would change")
    public PrepareReport prepare(
            @Descriptor("bundle jars (path or file: URL), or installed bundles (symbolic name or id) to re-read from their location")
            String... targets) {
        if (targets.length == 0) {
            throw new IllegalArgumentException("usage: reload:prepare <bundle-or-jar>...");
        }
        return reload.prepare(Arrays.asList(targets));
    }

    @Descriptor("swap the prepared revisions in (drain, update, one refresh, DS settle, verify; roll back on failure)")
    public ReloadReport finish() {
        return reload.finish(null);
    }

    @Descriptor("swap the prepared revisions in, waiting at most <ms> for calls in flight")
    public ReloadReport finish(@Descriptor("drain timeout in milliseconds") long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("the drain timeout must be 0 or more milliseconds, was " + ms);
        }
        return reload.finish(Duration.ofMillis(ms));
    }

    @Descriptor("the phase, the prepared set, the last reload, stored revisions and recent hot-deploy events")
    public ReloadStatus status() {
        return reload.status();
    }

    @Descriptor("restore the revisions the last reload replaced (or the newest stored revision of the named bundles)")
    public ReloadReport rollback(@Descriptor("bundle symbolic names; none for every bundle of the last reload")
            String... symbolicNames) {
        return reload.rollback(List.of(symbolicNames));
    }

    @Descriptor("forget the prepared set")
    public ReloadStatus cancel() {
        return reload.cancel();
    }
}
