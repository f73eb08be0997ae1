/**
 * The manifest: the journal's CRC-protected table of contents in two alternating slots
 * ({@link io.mappedjournal.manifest.ManifestStore}, layout in
 * {@link io.mappedjournal.manifest.ManifestDescriptor}). Internal.
 */
package io.mappedjournal.manifest;
