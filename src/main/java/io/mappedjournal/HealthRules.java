package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules behind {@link Journal#health()} and {@link Journal#healthReasons()}: DEGRADED when a
 * staging ring is more than {@link #STAGING_DEGRADED_RATIO} full, unsynced data is more than
 * {@link #UNSYNCED_GRACE_NANOS} older than the sync policy allows, or the last sync was slower
 * than the slow-sync threshold.
 *
 * <p>Threading: any thread; cheap (a few volatile reads per staging ring).
 */
final class HealthRules {
    /** Staging ring fill ratio above which the journal reports {@link Health#DEGRADED}. */
    static final double STAGING_DEGRADED_RATIO = 0.8;

    /** How long past the moment its sync policy wanted a sync unsynced data may wait before DEGRADED. */
    static final long UNSYNCED_GRACE_NANOS = 1_000_000_000L;

    private final JournalConfig config;
    private final JournalState state;
    private final StagingPool pool;
    private final Master master;

    HealthRules(JournalConfig config, JournalState state, StagingPool pool, Master master) {
        this.config = config;
        this.state = state;
        this.pool = pool;
        this.master = master;
    }

    /** See {@link Journal#health()}. */
    Health health() {
        final int s = state.getVolatile();
        if (s == JournalState.FAILED) {
            return Health.FAILED;
        }
        if (s != JournalState.OPEN) {
            return Health.CLOSED;
        }
        return reasons().isEmpty() ? Health.OK : Health.DEGRADED;
    }

    /** See {@link Journal#healthReasons()}. */
    List<String> reasons() {
        final List<String> reasons = new ArrayList<>();
        final Throwable failure = state.failure();
        if (failure != null) {
            reasons.add("failed: " + failure);
            return reasons;
        }
        // One reason for every ring over the threshold together (16 full rings are one symptom:
        // the master is not keeping up), naming the fullest.
        final int count = pool.allocated();
        int over = 0;
        int fullest = -1;
        double fullestRatio = 0;
        for (int i = 0; i < count; i++) {
            final StagingRing ring = pool.ring(i);
            final double ratio = (double) ring.occupancy() / ring.capacity();
            if (ratio > STAGING_DEGRADED_RATIO) {
                over++;
                if (fullest < 0 || ratio > fullestRatio) {
                    fullest = i;
                    fullestRatio = ratio;
                }
            }
        }
        if (over == 1) {
            reasons.add(String.format("staging ring %d is %.0f%% full", fullest, fullestRatio * 100));
        } else if (over > 1) {
            reasons.add(String.format("%d staging rings are over %.0f%% full (the fullest, ring %d, is %.0f%% full)", over,
                    STAGING_DEGRADED_RATIO * 100, fullest, fullestRatio * 100));
        }
        final long since = master.unsyncedSinceNanos();
        if (since != 0) {
            // Older than the policy allows: the policy already wanted a sync of this data more
            // than UNSYNCED_GRACE_NANOS ago (the grace covers a sync in progress). Asking the
            // policy itself keeps this right for every policy, NONE (never) included.
            final long now = System.nanoTime();
            final long age = now - since;
            if (age > UNSYNCED_GRACE_NANOS && config.syncPolicy.shouldSync(1, since, now - UNSYNCED_GRACE_NANOS)) {
                reasons.add("unsynced data is " + age / 1_000_000 + " ms old (sync policy " + config.syncPolicy.name()
                        + " wanted a sync more than " + UNSYNCED_GRACE_NANOS / 1_000_000 + " ms ago)");
            }
        }
        final long lastSync = master.lastSyncNanos();
        if (lastSync > config.slowSyncThresholdNanos) {
            reasons.add("last sync took " + lastSync / 1_000_000 + " ms");
        }
        return reasons;
    }
}
