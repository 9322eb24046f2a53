// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.time.Duration;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.erlmcp.drain.DrainStatus;
import io.erlmcp.drain.RequestGate;

/** {@code erlmcp_graceful_drain:*}, the runbook's graceful drain; delegates to {@link RequestGate}. */
@Component(service = DrainCommands.class, property = {
        "osgi.command.scope=erlmcp_graceful_drain",
        "osgi.command.function=start",
        "osgi.command.function=stop",
        "osgi.command.function=status" })
public class DrainCommands {

    private final RequestGate gate;

    @Activate
    public DrainCommands(@Reference RequestGate gate) {
        this.gate = gate;
    }

    @Descriptor("hold new requests (bounded) and wait up to <ms> for calls in flight to finish")
    public DrainStatus start(@Descriptor("milliseconds to wait for calls in flight") long ms,
            @Descriptor("bundle symbolic names to drain; none for every request") String... keys)
            throws InterruptedException {
        if (ms < 0) {
            throw new IllegalArgumentException("the drain timeout must be 0 or more milliseconds, was " + ms);
        }
        return gate.start(Duration.ofMillis(ms), List.of(keys));
    }

    @Descriptor("end the drain and let the held requests through")
    public DrainStatus stop() {
        return gate.stop();
    }

    @Descriptor("whether a drain is active, calls in flight and held")
    public DrainStatus status() {
        return gate.status();
    }
}
