// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevisionStoreTest {

    @TempDir
    Path dir;

    @Test
    void theJournalSurvivesANewStore() throws Exception {
        Map<String, String> previous = new LinkedHashMap<>();
        previous.put("io.erlmcp.example.tools", dir.resolve("io.erlmcp.example.tools/1.0.0-x.jar").toString());
        previous.put("io.erlmcp.example.new", RevisionStore.NOT_INSTALLED);
        new RevisionStore(dir, 5).writeJournal(previous);

        RevisionStore reopened = new RevisionStore(dir, 5);
        assertThat(reopened.readJournal()).isEqualTo(previous);
        assertThat(reopened.list()).isEmpty();
        assertThat(reopened.newest("io.erlmcp.example.tools")).isNull();
    }

    @Test
    void namesAreMadeSafeForTheFileSystem() {
        assertThat(RevisionStore.safe("a.b-c_1")).isEqualTo("a.b-c_1");
        assertThat(RevisionStore.safe("../etc/passwd")).isEqualTo(".._etc_passwd");
    }
}
