/**
 * Per-producer staging: single-producer/single-consumer rings in off-heap memory
 * ({@link io.mappedjournal.staging.StagingRing}, layout in
 * {@link io.mappedjournal.format.StagingDescriptor}) and the bounded pool that hands them to
 * writers and reclaims them when a writer closes or its thread dies
 * ({@link io.mappedjournal.staging.StagingPool}). The append path takes no lock and writes no
 * shared memory, except total order's one ticket increment
 * ({@link io.mappedjournal.staging.TicketSource}, chosen once from the ordering).
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.staging;
