// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientStateTest {

    private static final String INFO = "{\"name\":\"c\",\"version\":\"1\",\"title\":\"C\"}";

    @Test
    void capabilitiesAreAnsweredAsBeforeFromFlagsOrTheJson() {
        ClientState c = new ClientState.Interner(8).of(INFO,
                "{\"roots\":{},\"sampling\":null,\"elicitation\":{\"url\":{}},\"custom\":{\"x\":1}}");
        assertThat(c.supports("roots")).isTrue();
        assertThat(c.supports("sampling")).isFalse(); // declared as null: not supported
        assertThat(c.supports("elicitation")).isTrue();
        assertThat(c.supportsElicitationUrl()).isTrue();
        assertThat(c.supports("tasks")).isFalse();
        assertThat(c.supports("custom")).isTrue(); // not a flag: read from the JSON
        assertThat(c.supports("other")).isFalse();
        assertThat(c.info().name()).isEqualTo("c");
        assertThat(c.info().version()).isEqualTo("1");
        assertThat(c.info().title()).isEqualTo("C");
        assertThat(c.infoJson()).isEqualTo(INFO);
    }

    @Test
    void equalClientsShareOneInstanceUpToTheBound() {
        ClientState.Interner interner = new ClientState.Interner(2);
        ClientState a = interner.of(new String(INFO), "{}");
        assertThat(interner.of(new String(INFO), "{}")).isSameAs(a);
        ClientState b = interner.of("{\"name\":\"b\"}", "{}");
        assertThat(b).isNotSameAs(a);
        // Past the bound every session gets its own, still correct, instance.
        ClientState c1 = interner.of("{\"name\":\"c\"}", "{}");
        ClientState c2 = interner.of("{\"name\":\"c\"}", "{}");
        assertThat(c1).isNotSameAs(c2);
        assertThat(c2.info().name()).isEqualTo("c");
        assertThat(interner.of(null, null)).isSameAs(ClientState.NONE);
        assertThat(ClientState.NONE.supports("roots")).isFalse();
        assertThat(ClientState.NONE.info()).isNull();
    }
}
