package io.mappedjournal.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pins the staging record layout and its accessors (memory only, but the ring and tests share it). */
class StagingDescriptorTest {
    @Test
    void shouldPinTheStagingRecordLayout() {
        assertEquals(16, StagingDescriptor.RECORD_HEADER_LENGTH);
        assertEquals(1000, StagingDescriptor.lengthOffset(1000));
        assertEquals(1004, StagingDescriptor.typeOffset(1000));
        assertEquals(1008, StagingDescriptor.ticketOffset(1000));
        assertEquals(1016, StagingDescriptor.payloadOffset(1000));
        assertEquals(16, StagingDescriptor.recordLength(0));
        assertEquals(24, StagingDescriptor.recordLength(1));
        assertEquals(24, StagingDescriptor.recordLength(8));
        assertEquals(32, StagingDescriptor.recordLength(9));
        assertEquals(128, StagingDescriptor.HEAD_POSITION_OFFSET - StagingDescriptor.TAIL_POSITION_OFFSET);
        assertEquals(256, StagingDescriptor.TRAILER_LENGTH);
    }
}
