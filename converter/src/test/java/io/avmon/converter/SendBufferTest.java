package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The send buffer's bound: the oldest records give way, adding never blocks, nothing is lost without a count. */
class SendBufferTest {
    private final List<String> dropped = new ArrayList<>();
    private final SendBuffer buffer = new SendBuffer(100, entry -> dropped.add(new String(entry.value())));

    @Test
    void whenFullTheOldestRecordsAreDroppedAndTheNewestKept() throws Exception {
        for (int i = 0; i < 8; i++) {
            buffer.add(entry(i)); // 20 bytes each: five fit
        }

        assertThat(dropped).containsExactly("value-00000", "value-00001", "value-00002");
        assertThat(buffer.bytes()).isEqualTo(100);
        List<String> kept = new ArrayList<>();
        for (SendBuffer.Entry entry = buffer.take(0); entry != null; entry = buffer.take(0)) {
            kept.add(new String(entry.value()));
            buffer.handedOn();
        }
        assertThat(kept).containsExactly("value-00003", "value-00004", "value-00005", "value-00006", "value-00007");
    }

    @Test
    void aRecordPutBackGoesFirstUnlessNewerOnesFillTheBufferThenItIsDropped() throws Exception {
        buffer.add(entry(0));
        buffer.add(entry(1));
        SendBuffer.Entry taken = buffer.take(0);
        buffer.putBack(taken);
        assertThat(new String(buffer.take(0).value())).isEqualTo("value-00000");

        for (int i = 2; i < 6; i++) {
            buffer.add(entry(i)); // with record 1: five, full
        }
        buffer.putBack(entry(0));

        assertThat(dropped).containsExactly("value-00000");
        assertThat(new String(buffer.take(0).value())).isEqualTo("value-00001");
    }

    @Test
    void aRecordInTheSendersHandsWhileNewerOnesAreDroppedIsDroppedTooNotPutBackAheadOfThem() throws Exception {
        for (int i = 0; i < 5; i++) {
            buffer.add(entry(i)); // full
        }
        SendBuffer.Entry held = buffer.take(0); // record 0, while Kafka takes nothing
        buffer.add(entry(5)); // fits in the room record 0 left
        buffer.add(entry(6)); // drops record 1: the held record 0 is now older than a dropped one
        buffer.putBack(held);

        assertThat(dropped).containsExactly("value-00001", "value-00000");
        assertThat(new String(buffer.take(0).value())).isEqualTo("value-00002");
    }

    @Test
    void emptyMeansNothingWaitingAndNothingInTheSendersHands() throws Exception {
        buffer.add(entry(0));
        SendBuffer.Entry taken = buffer.take(0);

        assertThat(buffer.awaitEmpty(50)).as("taken but not yet handed on").isFalse();
        buffer.handedOn();
        assertThat(buffer.awaitEmpty(50)).isTrue();
        assertThat(taken).isNotNull();
    }

    private static SendBuffer.Entry entry(int i) {
        // 9 key bytes and 11 value bytes: 20 bytes a record.
        return new SendBuffer.Entry(
                "s", "key-s-000".getBytes(), String.format("value-%05d", i).getBytes());
    }
}
