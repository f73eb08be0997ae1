/**
 * mapped-journal: an embedded, memory-mapped, append-only journal.
 *
 * <p>The API: {@link io.mappedjournal.Journal} (open, append, wait for durability, read, close),
 * {@link io.mappedjournal.JournalConfig}, {@link io.mappedjournal.JournalWriter} (a producer's
 * handle, with zero-copy claims), {@link io.mappedjournal.JournalReader} and
 * {@link io.mappedjournal.JournalRecord}, {@link io.mappedjournal.RecoveryReport},
 * {@link io.mappedjournal.Health}, and the exceptions, all subclasses of
 * {@link io.mappedjournal.JournalException} (unchecked; I/O failures are {@link java.io.IOException}).
 *
 * <p>The API is this package, {@code io.mappedjournal.policy} (the choices made at open) and
 * {@code io.mappedjournal.metrics} (counters and the JMX view). Every public method's javadoc, or
 * its class's when it holds for every method ({@code Journal}: any thread), states which threads
 * may call it and, where it matters, what a return means for durability:
 * <em>staged</em> (copied into the caller's staging ring), <em>written</em> (in a segment, visible
 * to readers) or <em>durable</em> (synced: survives a process crash and a power cut).
 *
 * <pre>
 *  producers ──append──► staging (per-thread rings) ──drain──► master ──frame+copy──► segment
 *                                                               │   └─ msync per SyncPolicy
 *                                                               └─► durable watermark ─► waiters
 *  readers ◄── segments (mapped read-only) ◄── manifest + recovery at open
 * </pre>
 *
 * <p>The packages follow that path: {@code staging} → {@code master} → {@code segment} →
 * {@code manifest}/{@code recovery} → this package's reader; layouts live in {@code format},
 * policies in {@code policy}, counters in {@code metrics}. The packages {@code staging},
 * {@code master}, {@code segment}, {@code format}, {@code manifest} and {@code recovery} are the
 * journal's internals: public only where the tools and the verification suites need them, with no
 * compatibility promise.
 */
package io.mappedjournal;
