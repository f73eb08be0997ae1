package io.mappedjournal.crash.enumerate;

import io.mappedjournal.crash.PersistenceModel.State;
import io.mappedjournal.crash.PersistenceModel;
import io.mappedjournal.fileio.FileOps;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Records every persistence step of a journal in one directory, at the two seams where they
 * happen: {@link FileSyncer} (msync of a mapped range) and {@link FileOps} (fallocate + fsync of a
 * new file, fsync of a file, fsync of the directory). Page writes between them are not
 * intercepted: mapped writes are visible through {@code read()}, so each step's snapshot of the
 * directory, diffed against the durable state the model keeps, shows them; creates, renames and
 * unlinks likewise show as directory changes not yet durable.
 *
 * <p>Before each step a {@link Boundary} is kept: the durable state, the current state and the
 * acknowledged watermark at that instant; a crash there may keep any subset of the difference
 * the {@link PersistenceModel} allows. Then the step runs and the durable state takes it in.
 * Steps are serialised (the master, preallocator and sealer threads each call in), so the
 * recording changes the timing, never the order of one thread's steps.
 */
final class PersistenceRecorder implements FileSyncer, FileOps {
    /** A crash point: just before a step (or at the end of a run). */
    static final class Boundary {
        final int index;
        final String step;
        final State durable;
        final State current;
        /** Records {@code [0, acked)} were acknowledged durable before this point. */
        final long acked;
        /** Records below this may be gone (retention was asked to delete them). */
        final long floor;

        Boundary(int index, String step, State durable, State current, long acked, long floor) {
            this.index = index;
            this.step = step;
            this.durable = durable;
            this.current = current;
            this.acked = acked;
            this.floor = floor;
        }

        @Override
        public String toString() {
            return "boundary " + index + " before " + step + " (acked=" + acked + ", floor=" + floor + ")";
        }
    }

    private static final Set<String> SKIP = Set.of(SegmentFiles.LOCK_FILE);
    private final Path dir;
    private final MsyncSyncer msync = new MsyncSyncer(PosixAPI.posix());
    private final LongSupplier acked;
    private final LongSupplier floor;
    private final List<Boundary> boundaries = new ArrayList<>();
    /** Last contents seen of every file, deleted ones included (a cut may bring an unlinked name back). */
    private final Map<Long, byte[]> lastSeen = new HashMap<>();
    private State durable;
    private volatile boolean recording = true;

    /**
     * @param dir     the journal directory to record (other directories pass straight through)
     * @param durable what is on the disk when recording starts
     * @param acked   the acknowledged watermark (records below it were acknowledged durable)
     * @param floor   the retention floor (records below it may have been deleted)
     */
    PersistenceRecorder(Path dir, State durable, LongSupplier acked, LongSupplier floor) {
        this.dir = dir;
        this.durable = durable.copy();
        this.acked = acked;
        this.floor = floor;
        durable.content.forEach((id, bytes) -> lastSeen.put(id, bytes));
    }

    /** The boundaries recorded so far. */
    synchronized List<Boundary> boundaries() {
        return new ArrayList<>(boundaries);
    }

    /** Stops recording: later steps run unrecorded (a clean close after the run). */
    synchronized void stop() {
        recording = false;
    }

    /** Records a crash point that is no step (the end of a run: a crash right after it). */
    synchronized void mark(String what) throws IOException {
        if (recording) {
            boundary(what);
        }
    }

    private boolean watched(Path p) {
        return recording && p != null && p.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize());
    }

    private State boundary(String step) throws IOException {
        final State current = State.read(dir, SKIP);
        current.content.forEach(lastSeen::put);
        for (long id : durable.dir.values()) {
            if (!current.content.containsKey(id) && lastSeen.containsKey(id)) {
                current.content.put(id, lastSeen.get(id)); // unlinked, not durably yet
            }
        }
        boundaries.add(new Boundary(boundaries.size(), step, durable.copy(), current, acked.getAsLong(),
                floor.getAsLong()));
        return current;
    }

    // ------------------------------------------------------------------ FileSyncer

    @Override
    public void sync(Segment segment, long fromOffset, long toOffset) throws IOException {
        if (!watched(segment.path())) {
            msync.sync(segment, fromOffset, toOffset);
            return;
        }
        synchronized (this) {
            final State current = boundary("msync " + segment.path().getFileName() + " [" + fromOffset + ", "
                    + toOffset + ")");
            msync.sync(segment, fromOffset, toOffset);
            final long id = PersistenceModel.inode(segment.path());
            PersistenceModel.syncRange(durable, current, id, fromOffset, toOffset);
        }
    }

    // ------------------------------------------------------------------ FileOps

    @Override
    public void allocate(Path file, long length, PosixAPI posix) throws IOException {
        if (!watched(file)) {
            FileOps.super.allocate(file, length, posix);
            return;
        }
        synchronized (this) {
            boundary("fallocate+fsync " + file.getFileName());
            FileOps.super.allocate(file, length, posix);
            syncWholeFile(file);
        }
    }

    @Override
    public void force(FileChannel channel, Path file) throws IOException {
        if (!watched(file)) {
            FileOps.super.force(channel, file);
            return;
        }
        synchronized (this) {
            boundary("fsync " + file.getFileName());
            FileOps.super.force(channel, file);
            syncWholeFile(file);
        }
    }

    @Override
    public void fsyncDirectory(Path d) throws IOException {
        if (!watched(d)) {
            FileOps.super.fsyncDirectory(d);
            return;
        }
        synchronized (this) {
            final State current = boundary("fsync directory");
            FileOps.super.fsyncDirectory(d);
            PersistenceModel.syncDirectory(durable, current);
        }
    }

    private void syncWholeFile(Path file) throws IOException {
        final State after = new State();
        final long id = PersistenceModel.inode(file);
        try {
            after.content.put(id, java.nio.file.Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastSeen.put(id, after.content.get(id));
        PersistenceModel.syncFile(durable, after, id);
    }
}
