package io.mappedjournal.crash;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.manifest.ManifestCodec;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.mappedjournal.crash.CrashTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Simulated power loss. A journal is written in two steps: records {@code [0, S)} appended and
 * synced (the synced position S is known), then more records appended and written to the
 * mapping but never synced. The directory's bytes are captured after each step (S1: as synced;
 * S2: as the page cache holds it at the "power cut"). A damaged copy keeps S2 where S1 and S2
 * agree (synced or untouched bytes) and, for every 4 KiB page of the active segment where they
 * differ, independently chooses one fate: kept (written back in time), zeroed (never written
 * back: the page as last synced), filled with garbage (past the synced offset), or torn at a
 * 512-byte sector boundary (a prefix of sectors new, the rest old, or the reverse). The newest
 * manifest slot, whose write may have been in flight, is likewise kept, zeroed, garbage, cut
 * short or torn against the older slot; a leftover preallocated segment may survive or not.
 * In every 4th journal the unsynced records cross a roll: the new segment exists (its header
 * was synced and it was renamed before anything was written to it) and its pages get the same
 * fates; the manifest recording the roll either became durable (and with it the old segment,
 * whose final sync precedes it) or did not (the manifests are as at S and the old segment's
 * tail pages get fates too: the roll's seal sync may run in the background).
 *
 * <p>For every copy: recovery in the default mode succeeds, every record below S is recovered
 * with exact content, what is recovered is a prefix 0..n-1 (no holes, no record with wrong
 * content, nothing after a bad frame), and appending continues. Every 4th copy is also
 * recovered in the mode after it (point-in-time, skip-corrupted, absolute) with the same checks
 * (absolute may refuse a torn tail, and then must say so; skip-corrupted salvages valid frames
 * after a torn one, so it may leave holes, but only above S).
 *
 * <p>Count: {@code -Djournal.powerloss.cases} (default 1000), spread over
 * {@code -Djournal.powerloss.scenarios} (default 20) journals.
 */
class PowerLossTest {
    @TempDir(factory = ShmTempDir.class)
    Path tmp;

    private static final int PAGE = 4096;
    private static final int SECTOR = 512;

    /** One journal at its power cut: the synced state, the cut state, and S. */
    static final class Scenario {
        Image synced;
        Image cut;
        long syncedSequence;
        long written;
        /** The segment active at S (its synced offset is {@link #syncedOffset}). */
        String active;
        int syncedOffset;
        /** The unsynced records rolled to a new segment: the roll may not have become durable. */
        boolean rollInFlight;
    }

    @Test
    void everyRecordUpToTheSyncedPositionSurvivesEveryDamagedCopy() throws Exception {
        final int cases = count("journal.powerloss.cases", 1000);
        final int scenarios = Math.max(1, Math.min(cases, count("journal.powerloss.scenarios", 20)));
        final Random rnd = new Random(Long.getLong("journal.powerloss.seed", 20261122L));
        int done = 0;
        long recordsChecked = 0;
        long syncedInCases = 0; // the records TOLERATE_TAIL must give back, summed over the cases
        int[] fates = new int[4];
        int pagesDamaged = 0;
        final long start = System.nanoTime();
        for (int s = 0; s < scenarios; s++) {
            final Scenario sc = scenario(tmp.resolve("scenario-" + s), rnd, s);
            final int perScenario = cases / scenarios + (s < cases % scenarios ? 1 : 0);
            for (int c = 0; c < perScenario; c++) {
                final Image img = sc.cut.copy();
                pagesDamaged += damage(sc, img, rnd, fates);
                final Path dir = tmp.resolve("case");
                img.writeTo(dir);
                final String what = "scenario " + s + " case " + c + " (S=" + sc.syncedSequence + ", written="
                        + sc.written + ", active=" + sc.active + ")";
                recordsChecked += recoverAndCheck(dir, RecoveryMode.TOLERATE_TAIL, sc, what, c % 10 == 0);
                syncedInCases += sc.syncedSequence;
                if (c % 4 == 3) {
                    final RecoveryMode other = RecoveryMode.values()[1 + (c / 4) % 3];
                    img.writeTo(dir);
                    recordsChecked += recoverAndCheck(dir, other, sc, what, false);
                }
                done++;
            }
        }
        System.out.printf("power loss: %d damaged copies of %d journals (%d pages damaged: kept %d, zeroed %d,"
                        + " garbage %d, torn %d), %d records checked byte for byte, %.1f s%n", done, scenarios,
                pagesDamaged, fates[0], fates[1], fates[2], fates[3], recordsChecked, (System.nanoTime() - start) / 1e9);
        // done == cases by construction; what can go wrong is a run that damaged nothing, never
        // chose a fate, or checked no record.
        assertTrue(syncedInCases > 0 && recordsChecked >= syncedInCases, "every case read back at least its synced"
                + " records: checked " + recordsChecked + " of " + syncedInCases);
        if (done >= 100) {
            for (int f = 0; f < fates.length; f++) {
                assertTrue(fates[f] > 0, "page fate " + f + " (kept, zeroed, garbage, torn) never chosen in " + done
                        + " cases: " + java.util.Arrays.toString(fates));
            }
        }
    }

    /** Builds a journal, syncs S records, writes more without syncing, and captures both states. */
    private Scenario scenario(Path dir, Random rnd, int n) throws Exception {
        for (int attempt = 0; ; attempt++) {
            clear(dir);
            final Scenario sc = new Scenario();
            long durableAtCut;
            // S varies: sometimes just after a roll, sometimes deep into a segment; every 4th
            // journal's unsynced records cross a roll
            final boolean roll = n % 4 == 1;
            final int synced = roll ? 380 + rnd.nextInt(90) : n % 5 == 0 ? 485 + rnd.nextInt(10) : 1 + rnd.nextInt(1500);
            final int more = roll ? 200 + rnd.nextInt(200) : 1 + rnd.nextInt(n % 3 == 0 ? 40 : 300);
            try (Journal j = Journal.open(config(dir).syncPolicy(SyncPolicy.none()).checkpointBytes(1 + rnd.nextInt(20_000))
                    .build())) {
                appendDurably(j, 0, synced);
                j.flush(); // the checkpoint manifest written after that sync has completed
                j.flush(); // and a sync request left over from the await has been consumed
                sc.syncedSequence = j.durableSequence();
                assertEquals(synced, sc.syncedSequence);
                sc.synced = Image.of(dir);
                for (long q = synced; q < synced + more; q++) {
                    j.append(payload(q));
                }
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (j.writtenSequence() < synced + more && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertEquals(synced + more, j.writtenSequence());
                durableAtCut = j.durableSequence();
                sc.cut = Image.of(dir);
                sc.written = synced + more;
            }
            final List<String> before = sc.synced.segmentNames();
            sc.rollInFlight = !before.equals(sc.cut.segmentNames());
            if (!sc.rollInFlight && durableAtCut != synced && attempt < 5) {
                continue; // something synced after S after all: S would not be the synced position
            }
            if (!sc.rollInFlight) {
                assertEquals(synced, durableAtCut, "nothing may have been synced after S");
            }
            if (sc.rollInFlight != roll && attempt < 5) {
                continue; // not the kind of journal wanted: choose again
            }
            sc.active = before.get(before.size() - 1);
            sc.syncedOffset = (int) new Layout(sc.synced.files.get(sc.active), true).dataEnd;
            return sc;
        }
    }

    /** Applies one power-loss outcome to {@code img}; returns the number of differing pages. */
    private static int damage(Scenario sc, Image img, Random rnd, int[] fates) {
        int differing = 0;
        // A roll in flight: the manifest naming the new segment may not be durable yet. If it
        // is (the old segment's final sync completed first), the old segment is wholly durable.
        final boolean rollRecorded = sc.rollInFlight && rnd.nextBoolean();
        if (sc.rollInFlight && !rollRecorded) {
            for (int slot = 0; slot < 2; slot++) {
                final String name = ManifestDescriptor.slotName(slot);
                final byte[] before = sc.synced.files.get(name);
                if (before == null) {
                    img.files.remove(name);
                } else {
                    img.files.put(name, before.clone());
                }
            }
        }
        for (String name : img.segmentNames()) {
            final byte[] seg = img.files.get(name);
            // the segment as last synced: S1's copy, or (a segment created by the roll) its header alone
            byte[] oldSeg = sc.synced.files.get(name);
            if (oldSeg == null) {
                oldSeg = new byte[seg.length];
                System.arraycopy(seg, 0, oldSeg, 0, 64);
            } else if (rollRecorded && name.equals(sc.active)) {
                continue; // synced before the manifest recorded the roll
            }
            final int syncedOffset = name.equals(sc.active) ? sc.syncedOffset : 64;
            differing += damageSegment(oldSeg, seg, syncedOffset, rnd, fates);
        }
        return differing + damageManifestAndLeftovers(img, rnd);
    }

    /** Independent fates for every page of {@code seg} that differs from {@code oldSeg}. */
    private static int damageSegment(byte[] oldSeg, byte[] seg, int syncedOffset, Random rnd, int[] fates) {
        int differing = 0;
        for (int p = 0; p < seg.length; p += PAGE) {
            if (Arrays.equals(oldSeg, p, p + PAGE, seg, p, p + PAGE)) {
                continue;
            }
            differing++;
            final int fate = rnd.nextInt(4);
            fates[fate]++;
            switch (fate) {
                case 0: // written back in time
                    break;
                case 1: // never written back: as last synced (zeros past the synced offset)
                    System.arraycopy(oldSeg, p, seg, p, PAGE);
                    break;
                case 2: // garbage past the synced offset
                    for (int i = Math.max(p, syncedOffset); i < p + PAGE; i++) {
                        seg[i] = (byte) rnd.nextInt(256);
                    }
                    break;
                default: { // torn at a sector boundary
                    final int b = p + SECTOR * (1 + rnd.nextInt(PAGE / SECTOR - 1));
                    if (rnd.nextBoolean()) {
                        System.arraycopy(oldSeg, b, seg, b, p + PAGE - b); // new prefix, old rest
                    } else {
                        System.arraycopy(oldSeg, p, seg, p, b - p); // old prefix, new rest
                    }
                }
            }
        }
        return differing;
    }

    private static int damageManifestAndLeftovers(Image img, Random rnd) {
        // the newest manifest slot: its write may have been in flight
        final String newest = newestSlot(img);
        if (newest != null) {
            final byte[] m = img.files.get(newest);
            final String other = ManifestDescriptor.slotName(1 - (newest.endsWith("0") ? 0 : 1));
            switch (rnd.nextInt(6)) {
                case 0:
                    break;
                case 1:
                    Arrays.fill(m, (byte) 0);
                    break;
                case 2:
                    rnd.nextBytes(m);
                    break;
                case 3:
                    img.files.put(newest, Arrays.copyOf(m, rnd.nextInt(m.length)));
                    break;
                case 4: {
                    final byte[] o = img.files.get(other);
                    if (o != null) {
                        final int cut = rnd.nextInt(m.length);
                        for (int i = cut; i < Math.min(m.length, o.length); i++) {
                            m[i] = o[i];
                        }
                    }
                    break;
                }
                default:
                    img.files.remove(newest);
            }
        }
        // a preallocated next segment: created off the critical path, its directory entry maybe lost
        if (rnd.nextBoolean()) {
            img.files.keySet().removeIf(k -> k.endsWith(SegmentFiles.PREALLOC_SUFFIX));
        }
        return 0;
    }

    private static String newestSlot(Image img) {
        String best = null;
        long gen = -1;
        for (int slot = 0; slot < 2; slot++) {
            final byte[] b = img.files.get(ManifestDescriptor.slotName(slot));
            if (b == null) {
                continue;
            }
            try {
                final long g = ManifestCodec.decode(b).generation();
                if (g > gen) {
                    gen = g;
                    best = ManifestDescriptor.slotName(slot);
                }
            } catch (IllegalArgumentException e) {
                // not valid: not a candidate
            }
        }
        return best;
    }

    /** Recovers in {@code mode} and checks the guarantee; returns the records checked. */
    private static long recoverAndCheck(Path dir, RecoveryMode mode, Scenario sc, String what, boolean appendAfter)
            throws Exception {
        try (Journal j = Journal.open(config(dir).recoveryMode(mode).build())) {
            final long next = j.recoveryReport().nextSequence();
            assertTrue(next >= sc.syncedSequence && next <= sc.written, mode + " " + what + ": next=" + next
                    + "\n" + j.recoveryReport().describe());
        } catch (CorruptJournalException e) {
            assertEquals(RecoveryMode.ABSOLUTE, mode, what + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("torn tail") || e.getMessage().contains("manifest")
                    || e.getMessage().contains("did not complete before the crash"), e.getMessage());
            return 0;
        }
        final ReadBack r = readAll(dir);
        assertNull(r.error, mode + " " + what);
        if (mode == RecoveryMode.SKIP_CORRUPTED) {
            // salvage: valid frames after a torn one are kept too, so there may be holes, but
            // only above S; below S every record is there
            for (long q = 0; q < sc.syncedSequence; q++) {
                assertEquals(q, r.sequences.get((int) q), mode + " " + what);
            }
            assertTrue(r.sequences.isEmpty() || r.sequences.get(r.sequences.size() - 1) < sc.written, what);
        } else {
            assertTrue(r.isPrefix(), mode + " " + what + ": holes in " + r.sequences.size() + " records");
            assertTrue(r.count() >= sc.syncedSequence, mode + " " + what + ": only " + r.count() + " of the "
                    + sc.syncedSequence + " synced records recovered");
            assertTrue(r.count() <= sc.written, mode + " " + what);
        }
        if (appendAfter) {
            appendAfterRecovery(dir, RecoveryMode.TOLERATE_TAIL);
            final ReadBack after = readAll(dir);
            assertNull(after.error);
            assertEquals(r.count() + 1, after.count(), what);
        }
        return r.count();
    }
}
