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
        assertThat(drain()).containsExactly("value-00003", "value-00004", "value-00005", "value-00006", "value-00007");
    }

    @Test
    void aRefusedRecordStaysFirstInLineAndIsTheFirstDroppedWhenNewerOnesArrive() throws Exception {
        for (int i = 0; i < 5; i++) {
            buffer.add(entry(i)); // full
        }
        assertThat(buffer.handOverOldest(0, entry -> false)).isEqualTo(SendBuffer.Handover.REFUSED);
        buffer.add(entry(5));

        assertThat(dropped).containsExactly("value-00000");
        assertThat(drain()).containsExactly("value-00001", "value-00002", "value-00003", "value-00004", "value-00005");
    }

    @Test
    void aRecordLeavesOnlyWhenTakenAndEmptyMeansEverythingWasTaken() throws Exception {
        buffer.add(entry(0));

        assertThat(buffer.handOverOldest(0, entry -> false)).isEqualTo(SendBuffer.Handover.REFUSED);
        assertThat(buffer.awaitEmpty(50)).as("refused, still waiting").isFalse();
        assertThat(buffer.handOverOldest(0, entry -> true)).isEqualTo(SendBuffer.Handover.HANDED_OVER);
        assertThat(buffer.awaitEmpty(50)).isTrue();
        assertThat(buffer.handOverOldest(0, entry -> true)).isEqualTo(SendBuffer.Handover.NOTHING_WAITING);
        assertThat(dropped).isEmpty();
    }

    @Test
    void whenToldToWaitAFullBufferHoldsTheWriterUntilTheSenderMakesRoomAndDropsNothing() throws Exception {
        SendBuffer waiting =
                new SendBuffer(100, FeaturePublisher.WhenFull.WAIT, e -> dropped.add(new String(e.value())));
        for (int i = 0; i < 5; i++) {
            waiting.add(entry(i)); // full
        }
        Thread writer = new Thread(() -> waiting.add(entry(5)));
        writer.start();
        writer.join(200);
        assertThat(writer.isAlive()).as("waiting for room").isTrue();

        List<String> taken = new ArrayList<>();
        assertThat(waiting.handOverOldest(0, e -> taken.add(new String(e.value()))))
                .isEqualTo(SendBuffer.Handover.HANDED_OVER);
        writer.join(10_000);

        assertThat(writer.isAlive()).isFalse();
        assertThat(dropped).isEmpty();
        assertThat(taken).containsExactly("value-00000");
        assertThat(waiting.bytes()).isEqualTo(100);
    }

    private List<String> drain() throws InterruptedException {
        List<String> taken = new ArrayList<>();
        while (buffer.handOverOldest(0, entry -> taken.add(new String(entry.value())))
                == SendBuffer.Handover.HANDED_OVER) {}
        return taken;
    }

    private static SendBuffer.Entry entry(int i) {
        // 9 key bytes and 11 value bytes: 20 bytes a record.
        return new SendBuffer.Entry(
                "s", "key-s-000".getBytes(), String.format("value-%05d", i).getBytes());
    }
}
