package io.mappedjournal.inspect;

/**
 * One manifest slot file, read and judged on its own.
 *
 * @param name     the slot's file name
 * @param present  whether the file exists
 * @param manifest what it holds, or null if absent or refused
 * @param problem  why it was refused, or null
 */
public record ManifestSlot(String name, boolean present, ManifestInfo manifest, String problem) {
}
