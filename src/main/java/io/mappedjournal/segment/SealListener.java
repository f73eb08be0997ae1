package io.mappedjournal.segment;

/**
 * What a roll's seal made durable, for the master to publish: a roll happens inside the copy of
 * a record (it does not fit), so only the master knows how far each staging ring had been
 * copied into the sealed segment. Both calls come on the master thread; at most one seal is in
 * flight, so {@link #sealed()} always refers to the last {@link #beforeSeal()}.
 */
public interface SealListener {
    /** Does nothing. */
    SealListener NONE = new SealListener() {
        @Override
        public void beforeSeal() {
        }

        @Override
        public void sealed() {
        }
    };

    /** A roll is about to seal the active segment: everything written so far is in it. */
    void beforeSeal();

    /**
     * The seal announced by the last {@link #beforeSeal()} is durable (its sync succeeded and the
     * manifest names the segment sealed); {@link SegmentLog#durableSequence()} covers it.
     */
    void sealed();
}
