package io.avmon.cli;

import io.avmon.testmedia.FfmpegProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code ffmpeg} as a live encoder on loopback: plays a clip at its own pace ({@code -re}) and pushes it,
 * stream-copied, as MPEG-TS to a UDP port, the way a contribution encoder or a multicast gateway feeds a monitor.
 */
final class FfmpegSender {
    private FfmpegSender() {}

    /** A loopback UDP port nothing is bound to (it was free a moment ago). */
    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code clip} to {@code udp://127.0.0.1:port} in real time and returns once it is all sent.
     *
     * @param outputArgs extra output options before the URL, e.g. {@code -output_ts_offset 3600} for an encoder
     *                   restarted on another clock
     */
    static void sendUdp(Path clip, int port, String... outputArgs) throws IOException, InterruptedException {
        List<String> command = FfmpegProgram.copyToMpegTs(
                clip, List.of("-re"), List.of(outputArgs), "udp://127.0.0.1:" + port + "?pkt_size=1316");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("ffmpeg did not finish sending " + clip);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("ffmpeg failed (exit " + process.exitValue() + ") sending " + clip);
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
