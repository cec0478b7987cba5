package io.avmon.benchmarks.soak;

import io.avmon.cli.ConvertMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A converter process started by a benchmark, and what its own metrics endpoint says: benchmarks watch it from
 * outside, as an operator's Prometheus would.
 */
public final class ConverterEndpoint {
    private static final Pattern FRAMES = Pattern.compile("avmon_converter_video_frames_total\\{[^}]*} ([0-9.eE+]+)");

    private ConverterEndpoint() {}

    /**
     * The command that starts {@code avmon convert} in a JVM of its own, as the converter image does
     * ({@link ConvertMain}) with the image's converter flags (without the Vector API module the feature kernels
     * fall back to scalar loops), publishing to {@code bootstrapServers} and serving metrics on {@code metricsPort};
     * the caller appends the inputs and their options.
     */
    public static List<String> convertCommand(List<String> jvmOptions, String bootstrapServers, int metricsPort) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(converterJvmOptions());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dlog4j2.configurationFile=log4j2-avmon.xml",
                "-cp",
                System.getProperty("java.class.path"),
                ConvertMain.class.getName(),
                "--bootstrap-servers",
                bootstrapServers,
                "--metrics-port",
                String.valueOf(metricsPort)));
        return command;
    }

    /** The parent pom's converter JVM flags, filtered into this module's resources at build time. */
    static List<String> converterJvmOptions() {
        try (InputStream in = ConverterEndpoint.class.getResourceAsStream("converter-jvm-options.txt")) {
            if (in == null) {
                throw new IllegalStateException("converter-jvm-options.txt is missing from the benchmarks' classes:"
                        + " build the module with Maven");
            }
            String options = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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
