package io.avmon.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.avmon.testmedia.FfmpegProgram;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A live HLS origin on loopback: segments cut from a clip by Debian's ffmpeg, published one segment duration apart
 * as a sliding-window media playlist (no ENDLIST), with two faults a packager shows: a segment listed but gone (404),
 * and a playlist that stops advancing for a while and then publishes its backlog.
 */
final class LiveHlsServer implements AutoCloseable {
    private static final int WINDOW = 5;

    private final HttpServer server;
    private final List<Path> segments = new ArrayList<>();
    private final List<Double> durations = new ArrayList<>();
    private final Set<Integer> missing;
    /** When each segment is published, seconds after start. */
    private final double[] publishAt;

    private final long startNs = System.nanoTime();

    /**
     * @param segmentSeconds ffmpeg's {@code -hls_time}: a multiple of the clip's GOP, so segments are that long
     * @param missing        segments listed in the playlist whose fetch answers 404
     * @param stallBefore    the segment whose publication is held back by {@code stallSeconds}; those after it follow
     *                       one duration apart from then, the first two at once (a packager publishing its backlog)
     */
    LiveHlsServer(
            Path clip, Path dir, double segmentSeconds, Set<Integer> missing, int stallBefore, double stallSeconds)
            throws IOException, InterruptedException {
        this.missing = missing;
        Process cut = new ProcessBuilder(
                        FfmpegProgram.path(),
                        "-hide_banner",
                        "-nostdin",
                        "-loglevel",
                        "error",
                        "-i",
                        clip.toString(),
                        "-map",
                        "0",
                        "-c",
                        "copy",
                        "-f",
                        "hls",
                        "-hls_time",
                        String.valueOf(segmentSeconds),
                        "-hls_list_size",
                        "0",
                        "-hls_segment_filename",
                        dir.resolve("seg%d.ts").toString(),
                        dir.resolve("vod.m3u8").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!cut.waitFor(60, TimeUnit.SECONDS) || cut.exitValue() != 0) {
            throw new AssertionError("ffmpeg could not cut HLS segments from " + clip);
        }
        for (String line : Files.readAllLines(dir.resolve("vod.m3u8"))) {
            if (line.startsWith("#EXTINF:")) {
                durations.add(Double.parseDouble(line.substring(8, line.indexOf(','))));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                segments.add(dir.resolve(line.trim()));
            }
        }
        publishAt = new double[segments.size()];
        for (int i = 0; i < publishAt.length; i++) {
            // Three segments are there when the player arrives, then one per segment duration.
            double onTime = Math.max(0, (i - 2) * segmentSeconds);
            publishAt[i] = i < stallBefore ? onTime : Math.max(onTime + stallSeconds - segmentSeconds, onTime);
            if (i == stallBefore) {
                publishAt[i] = onTime + stallSeconds;
            }
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    String playlistUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/live.m3u8";
    }

    int segmentCount() {
        return segments.size();
    }

    /** Where segment {@code index} starts in the stream's media time, s. */
    double segmentStart(int index) {
        return durations.subList(0, index).stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /** Seconds from start until the last segment is published. */
    double lastPublishedAt() {
        return publishAt[publishAt.length - 1];
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (path.equals("/live.m3u8")) {
                reply(exchange, 200, playlist().getBytes(StandardCharsets.UTF_8), "application/vnd.apple.mpegurl");
                return;
            }
            if (path.matches("/seg\\d+\\.ts")) {
                int index = Integer.parseInt(path.substring(4, path.length() - 3));
                if (index < segments.size() && published() > index && !missing.contains(index)) {
                    reply(exchange, 200, Files.readAllBytes(segments.get(index)), "video/mp2t");
                    return;
                }
            }
            reply(exchange, 404, new byte[0], "text/plain");
        }
    }

    private int published() {
        double now = (System.nanoTime() - startNs) / 1e9;
        int count = 0;
        while (count < publishAt.length && publishAt[count] <= now) {
            count++;
        }
        return count;
    }

    private String playlist() {
        int end = published();
        int first = Math.max(0, end - WINDOW);
        StringBuilder text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
        long target = Math.round(Math.ceil(
                durations.stream().mapToDouble(Double::doubleValue).max().orElse(1)));
        text.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        text.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
        for (int i = first; i < end; i++) {
            text.append(String.format(Locale.ROOT, "#EXTINF:%.3f,%n", durations.get(i)));
            text.append("seg").append(i).append(".ts\n");
        }
        return text.toString();
    }

    private static void reply(HttpExchange exchange, int status, byte[] body, String type) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
