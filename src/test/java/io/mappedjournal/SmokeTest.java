package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void shouldAppendAndReadBack() throws Exception {
        try (Journal j = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()).segmentSize(1 << 16).maxRecordSize(1024).build())) {
            long r = 0;
            for (int i = 0; i < 5000; i++) {
                r = j.append(("hello " + i).getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(j.awaitDurable(r, 10, TimeUnit.SECONDS));
            System.out.println(j.metrics());
        }
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (int i = 0; i < 5000; i++) {
                JournalRecord rec = reader.next();
                assertNotNull(rec, "record " + i);
                assertEquals(i, rec.sequence());
                assertEquals("hello " + i, new String(rec.payload(), StandardCharsets.US_ASCII));
            }
            assertNull(reader.next());
        }
        try (Journal j = Journal.open(dir)) {
            System.out.println(j.recoveryReport().describe());
            assertEquals(5000, j.recoveryReport().nextSequence());
        }
    }
}
