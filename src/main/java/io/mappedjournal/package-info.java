/**
 * mapped-journal: an embedded, memory-mapped, append-only journal.
 *
 * <p>The API: {@link io.mappedjournal.Journal} (open, append, wait for durability, read, close),
 * {@link io.mappedjournal.JournalConfig}, {@link io.mappedjournal.JournalWriter} (a producer's
 * handle, with zero-copy claims), {@link io.mappedjournal.JournalReader} and
 * {@link io.mappedjournal.JournalRecord}, {@link io.mappedjournal.Health}, and the exceptions,
 * all subclasses of {@link io.mappedjournal.JournalException}.
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
 * policies in {@code policy}, counters in {@code metrics}. Those packages are the journal's
 * internals: public for the tools and the verification suites, not a stable API.
 */
package io.mappedjournal;
