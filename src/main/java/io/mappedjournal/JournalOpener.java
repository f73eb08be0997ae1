package io.mappedjournal;

import io.mappedjournal.fileio.DirectoryLock;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.master.DurabilityWaiters;
import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.master.MasterMetrics;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.recovery.Repair;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.segment.SegmentPreallocator;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.TicketSource;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Opens a journal ({@link Journal#open(JournalConfig)}), in this order: checks the JVM flags and
 * Chronicle's native layer; locks the directory; scans it and applies the repairs the recovery
 * mode allows ({@link RecoveryScan}, {@link Repair}); chooses the active segment from the recovery
 * plan; builds the segment log and starts the master. On any failure it releases what it took
 * (preallocator, active segment, lock) and rethrows.
 *
 * <p>Threading: any thread; nothing is shared until the journal is returned.
 */
final class JournalOpener {
    /** Journal's logger: the open report is the journal's, whichever class writes it. */
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private JournalOpener() {
    }

    /** See {@link Journal#open(JournalConfig)}. */
    static Journal open(JournalConfig config) throws IOException {
        JvmFlags.check();
        final PosixAPI posix = PosixAPI.posix();
        if (posix.getClass().getName().contains("NoOp")) {
            throw new JournalException("Chronicle's native posix layer did not load (is java.io.tmpdir writable?): "
                    + "cannot fallocate or msync safely: posix=" + posix.getClass().getName());
        }
        final Path dir = config.directory.toAbsolutePath();
        Files.createDirectories(dir);
        final DirectoryLock lock = lock(dir);
        SegmentPreallocator preallocator = null;
        Segment active = null;
        try {
            final FileSyncer syncer = config.syncer != null ? config.syncer : new MsyncSyncer(posix);
            final RecoveryPlan plan = RecoveryScan.scan(dir, config.recoveryMode);
            final Manifest repaired = Repair.apply(dir, plan, false, syncer);
            final ManifestStore manifests = ManifestStore.forWriting(dir, repaired.generation());
            final List<Manifest.Entry> sealed;
            final long writeOffset;
            final long nextSequence;
            final long nextIndex;
            if (plan.segments.isEmpty() || plan.active().sealed) {
                // A new journal, or one whose last segment is sealed (or was set aside): the new
                // active segment continues at the plan's next sequence.
                final long first = plan.nextSequence;
                final long index = plan.nextSegmentIndex;
                sealed = plan.segments;
                active = Segment.prepare(dir, index, config.segmentSize, posix);
                active.activate(new SegmentHeader(index, first, config.segmentSize, System.currentTimeMillis()), syncer);
                writeOffset = SegmentHeaderDescriptor.DATA_OFFSET;
                nextSequence = first;
                nextIndex = index + 1;
            } else {
                final Manifest.Entry a = plan.active();
                sealed = plan.segments.subList(0, plan.segments.size() - 1);
                active = Segment.open(SegmentFiles.segmentPath(dir, a.firstSequence), false);
                writeOffset = a.validLength;
                nextSequence = a.nextSequence;
                nextIndex = Math.max(a.segmentIndex, plan.nextSegmentIndex - 1) + 1;
            }
            preallocator = new SegmentPreallocator(dir, config.segmentSize, posix, nextIndex);
            final SegmentLog log = new SegmentLog(dir, config.segmentSize, syncer, preallocator, config.rollPolicy,
                    manifests, config.checkpointBytes, sealed, plan.lowWaterSequence, active, writeOffset, nextSequence);
            log.writeManifest(false);
            final JournalState state = new JournalState(dir.toString());
            final StagingPool pool = new StagingPool(config.maxWriters, config.stagingBufferSize);
            final ExecutorService futures = Executors.newSingleThreadExecutor(new FutureThread(dir.getFileName().toString()));
            final MasterMetrics metrics = new MasterMetrics();
            // Chosen once: total order's ticket counter, shared by the appends and the master.
            final TicketSource tickets = TicketSource.of(config.ordering);
            final Master master = new Master(pool, log, config.syncPolicy, config.idleStrategy, state,
                    new DurabilityWaiters(futures), metrics, config.slowSyncThresholdNanos,
                    tickets);
            master.start(dir.getFileName().toString());
            if (plan.report.anomalies().isEmpty()) {
                LOG.info("opened journal {}: {}", dir, plan.report.describe().replace('\n', ';'));
            } else {
                LOG.warn("opened journal {} after recovery found anomalies: {}", dir,
                        plan.report.describe().replace('\n', ';'));
            }
            return new Journal(config, state, pool, master, metrics, plan.report, lock, futures, tickets);
        } catch (IOException | RuntimeException e) {
            if (preallocator != null) {
                preallocator.close();
            }
            if (active != null) {
                active.close();
            }
            lock.close();
            throw e;
        }
    }

    /** Takes the directory lock, or says who holds it ({@link JournalLockedException}). */
    private static DirectoryLock lock(Path dir) throws IOException {
        try {
            return DirectoryLock.acquire(dir, dir.resolve(SegmentFiles.LOCK_FILE));
        } catch (DirectoryLock.HeldException e) {
            throw e.inThisProcess()
                    ? new JournalLockedException("journal is already open in this process: dir=" + dir)
                    : new JournalLockedException("journal is locked by another process (a second writer): dir=" + dir
                            + " lock=" + e.lockFile());
        }
    }
}
