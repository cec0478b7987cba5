package io.avmon.testmedia;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An encoder outside the test toolchain (the benchmarks use Debian's ffmpeg for x264, x265 and interlaced MPEG-2):
 * it re-encodes the clip's content, which {@link ClipWriter} first writes to a near-lossless intermediate, into the
 * clip's MPEG-TS file with the spec's codecs, keeping every timestamp (dropped frames stay holes). The transport
 * defects are injected afterwards, into its output, so their truth stays exact. Tests never use one: CI has only
 * Java and Maven.
 */
public interface ExternalEncoder {
    /**
     * Encodes {@code intermediate} (MPEG-2 intra pictures at a fine quantiser and 16-bit PCM in NUT, the spec's size,
     * rate, channels and field order) into {@code out}, an MPEG-TS file with {@code spec}'s video and audio codecs.
     */
    void encode(ClipSpec spec, Path intermediate, Path out) throws IOException;
}
