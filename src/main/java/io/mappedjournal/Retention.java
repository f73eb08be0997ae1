package io.mappedjournal;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.segment.SegmentFiles;

import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Journal#deleteSegmentsBefore}: the segment log deletes (manifest first, files after, then
 * the directory fsync); a failed sync on the way fails the journal, as any failed sync does.
 *
 * <p>Threading: any thread; runs on the calling thread.
 */
final class Retention {
    private final Path dir;
    private final JournalState state;
    private final Master master;

    Retention(Path dir, JournalState state, Master master) {
        this.dir = dir;
        this.state = state;
        this.master = master;
    }

    /** See {@link Journal#deleteSegmentsBefore}. */
    List<Path> deleteSegmentsBefore(long sequence) throws IOException {
        if (!state.isOpen()) {
            throw state.notOpen();
        }
        final List<Manifest.Entry> removed;
        try {
            removed = master.log().deleteBefore(sequence);
        } catch (SyncFailedException e) {
            master.failFromAnotherThread(e); // a failed sync is never retried: the journal fails
            throw e;
        }
        final List<Path> paths = new ArrayList<>(removed.size());
        for (Manifest.Entry e : removed) {
            paths.add(SegmentFiles.segmentPath(dir, e.firstSequence));
        }
        return paths;
    }

    /** See {@link Journal#lowWaterSequence()}. */
    long lowWaterSequence() {
        return master.log().lowWaterSequence();
    }
}
