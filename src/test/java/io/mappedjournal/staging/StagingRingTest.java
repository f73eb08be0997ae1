package io.mappedjournal.staging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class StagingRingTest {
    private static StagingRing ring(int capacity) throws InterruptedException {
        return new StagingPool(1, capacity).acquire(null, 0);
    }

    @Test
    void shouldKeepEveryRecordWholeAcrossManyWraps() throws Exception {
        final StagingRing ring = ring(4096);
        final Random random = new Random(42);
        final List<byte[]> drained = new ArrayList<>();
        final List<byte[]> appended = new ArrayList<>();
        int wraps = 0;
        long lastIndex = 0;
        for (int i = 0; i < 20_000; i++) {
            final byte[] payload = new byte[random.nextInt(ring.maxPayload() / 4) + 1];
            random.nextBytes(payload);
            long index = ring.tryClaim(payload.length);
            if (index == StagingRing.INSUFFICIENT_CAPACITY) {
                ring.drain((r, at, len) -> {
                    final byte[] b = new byte[len];
                    r.buffer().read(at, b, 0, len);
                    drained.add(b);
                });
                index = ring.tryClaim(payload.length);
            }
            assertTrue(index >= 0);
            if (index < lastIndex) {
                wraps++;
            }
            lastIndex = index;
            assertTrue(index + payload.length <= ring.capacity(), "payload is contiguous");
            ring.buffer().write(index, payload, 0, payload.length);
            ring.commit();
            appended.add(payload);
        }
        ring.drain((r, at, len) -> {
            final byte[] b = new byte[len];
            r.buffer().read(at, b, 0, len);
            drained.add(b);
        });
        assertTrue(wraps > 100, "wraps=" + wraps);
        assertEquals(appended.size(), drained.size());
        for (int i = 0; i < appended.size(); i++) {
            assertArrayEquals(appended.get(i), drained.get(i), "record " + i);
        }
        assertTrue(ring.isDrained());
        assertEquals(0, ring.occupancy());
    }

    @Test
    void shouldRefuseWhenFullUntilTheConsumerFreesSpace() throws Exception {
        final StagingRing ring = ring(4096);
        int accepted = 0;
        while (ring.tryClaim(100) >= 0) {
            ring.commit();
            accepted++;
        }
        assertEquals(4096 / 120, accepted, "100-byte payload + 16-byte header, aligned to 120");
        assertEquals(StagingRing.INSUFFICIENT_CAPACITY, ring.tryClaim(100));
        assertEquals(accepted, ring.drain((r, at, len) -> { }));
        assertTrue(ring.tryClaim(100) >= 0);
    }

    @Test
    void shouldPublishNothingForAnAbortedClaim() throws Exception {
        final StagingRing ring = ring(4096);
        assertTrue(ring.tryClaim(10) >= 0);
        ring.abort();
        assertFalse(ring.hasPendingClaim());
        assertEquals(0, ring.drain((r, at, len) -> fail("aborted record must not be drained")));
        assertEquals(0, ring.tailVolatile());
    }
}
