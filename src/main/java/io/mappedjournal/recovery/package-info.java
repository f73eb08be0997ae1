/**
 * Recovery at open: a read-only scan that explains every file and finds the last valid frame
 * ({@link io.mappedjournal.recovery.RecoveryScan}), producing a plan that an explicit repair step
 * applies ({@link io.mappedjournal.recovery.Repair}); modes in
 * {@link io.mappedjournal.policy.RecoveryMode}, results in
 * {@link io.mappedjournal.RecoveryReport}.
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.recovery;
