/**
 * Recovery at open: a read-only scan that explains every file and finds the last valid frame
 * ({@link io.mappedjournal.recovery.RecoveryScan}), producing a plan that an explicit repair step
 * applies ({@link io.mappedjournal.recovery.Repair}); modes in
 * {@link io.mappedjournal.policy.RecoveryMode}, results in
 * {@link io.mappedjournal.RecoveryReport}.
 */
package io.mappedjournal.recovery;
