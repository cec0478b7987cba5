package io.avmon.cli.analyze;

import io.avmon.job.core.MediaEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceReader;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A bounded Flink source that decodes media files with the converter inside the source reader, so that
 * {@code avmon analyze} feeds the very same detector graph as production, without Kafka. One split per file;
 * each file is one stream.
 */
public final class MediaFileSource implements Source<MediaEvent, MediaFileSplit, Collection<MediaFileSplit>> {

    private final List<MediaFileSplit> splits;

    public MediaFileSource(List<MediaFileSplit> splits) {
        this.splits = List.copyOf(splits);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<MediaEvent, MediaFileSplit> createReader(SourceReaderContext context) {
        return new IteratorSourceReader<>(context);
    }

    @Override
    public SplitEnumerator<MediaFileSplit, Collection<MediaFileSplit>> createEnumerator(
            SplitEnumeratorContext<MediaFileSplit> context) {
        return new IteratorSourceEnumerator<>(context, new ArrayList<>(splits));
    }

    @Override
    public SplitEnumerator<MediaFileSplit, Collection<MediaFileSplit>> restoreEnumerator(
            SplitEnumeratorContext<MediaFileSplit> context, Collection<MediaFileSplit> checkpoint) {
        return new IteratorSourceEnumerator<>(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<MediaFileSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<MediaFileSplit>> getEnumeratorCheckpointSerializer() {
        return new PendingSplitsSerializer();
    }

    static final class SplitSerializer implements SimpleVersionedSerializer<MediaFileSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(MediaFileSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(split, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public MediaFileSplit deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }

        static void write(MediaFileSplit split, DataOutputStream out) throws IOException {
            out.writeUTF(split.input());
            out.writeUTF(split.streamId());
        }

        static MediaFileSplit read(DataInputStream in) throws IOException {
            return new MediaFileSplit(in.readUTF(), in.readUTF());
        }
    }

    static final class PendingSplitsSerializer implements SimpleVersionedSerializer<Collection<MediaFileSplit>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<MediaFileSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (MediaFileSplit split : splits) {
                    SplitSerializer.write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Collection<MediaFileSplit> deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int count = in.readInt();
                List<MediaFileSplit> splits = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    splits.add(SplitSerializer.read(in));
                }
                return splits;
            }
        }
    }
}
