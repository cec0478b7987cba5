package io.avmon.benchmarks.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a converter process's own metrics endpoint says, for benchmarks that watch it from outside. */
public final class ConverterEndpoint {
    private static final Pattern FRAMES = Pattern.compile("avmon_converter_video_frames_total\\{[^}]*} ([0-9.eE+]+)");

    private ConverterEndpoint() {}

    /** Video frames decoded so far, summed over the process's streams; NaN while the endpoint does not answer. */
    public static double videoFrames(int metricsPort) {
        try {
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = FRAMES.matcher(body);
            double frames = 0;
            boolean any = false;
            while (m.find()) {
                frames += Double.parseDouble(m.group(1));
                any = true;
            }
            return any ? frames : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }
}
