/**
 * Per-producer staging: single-producer/single-consumer rings in off-heap memory
 * ({@link io.mappedjournal.staging.StagingRing}, layout in
 * {@link io.mappedjournal.format.StagingDescriptor}) and the bounded pool that hands them to
 * writers and reclaims them when a writer closes or its thread dies
 * ({@link io.mappedjournal.staging.StagingPool}). The append path takes no lock and writes no
 * shared memory. Internal.
 */
package io.mappedjournal.staging;
