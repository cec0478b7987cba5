package io.avmon.converter;

import io.avmon.schema.InputState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;

/**
 * The converter's own Prometheus metrics, one series per stream (label {@code stream}; one value per stream, none
 * per record, so cardinality stays at the number of streams). Decode rate is {@code rate(...frames_total[1m])}.
 * Thread-safe. Each instance has its own registry, served by {@link MetricsEndpoint}.
 */
public final class ConverterMetrics {
    static final String STREAM = "stream";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter videoFrames = counter("avmon_converter_video_frames", "Video frames decoded");
    private final Counter audioBlocks = counter("avmon_converter_audio_blocks", "100 ms audio blocks decoded");
    private final Counter reconnects =
            counter("avmon_converter_reconnects", "Times the input was lost and the converter began reconnecting");
    private final Counter recordsSent =
            counter("avmon_converter_records_sent", "Feature and status records Kafka acknowledged");
    private final Counter recordsDropped = counter(
            "avmon_converter_records_dropped", "Oldest records dropped because the send buffer was full (Kafka down)");
    private final Counter recordsFailed =
            counter("avmon_converter_records_failed", "Records Kafka refused or could not take");
    private final Gauge inputUp = gauge("avmon_converter_input_up", "1 while the input is LIVE, else 0");
    private final Gauge lastFrame = gauge(
            "avmon_converter_last_frame_timestamp_seconds",
            "Wall-clock time of the last decoded video frame or audio block; the runner's start until the first");
    // One buffer serves every stream of the process: no stream label.
    private final Gauge bufferedBytes = Gauge.builder()
            .name("avmon_converter_send_buffer_bytes")
            .help("Encoded records waiting for Kafka in the send buffer")
            .withoutExemplars()
            .register(registry);

    private Counter counter(String name, String help) {
        return Counter.builder()
                .name(name)
                .help(help)
                .labelNames(STREAM)
                .withoutExemplars()
                .register(registry);
    }

    private Gauge gauge(String name, String help) {
        return Gauge.builder()
                .name(name)
                .help(help)
                .labelNames(STREAM)
                .withoutExemplars()
                .register(registry);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** A runner for {@code stream} started: its series exist from now on, at zero. */
    void started(String stream) {
        videoFrames.labelValues(stream);
        audioBlocks.labelValues(stream);
        reconnects.labelValues(stream);
        recordsSent.labelValues(stream);
        recordsDropped.labelValues(stream);
        recordsFailed.labelValues(stream);
        inputUp.labelValues(stream).set(0);
        lastFrame.labelValues(stream).set(nowSeconds());
    }

    void videoFrameDecoded(String stream) {
        videoFrames.labelValues(stream).inc();
        lastFrame.labelValues(stream).set(nowSeconds());
    }

    void audioBlockDecoded(String stream) {
        audioBlocks.labelValues(stream).inc();
        lastFrame.labelValues(stream).set(nowSeconds());
    }

    void reconnecting(String stream) {
        reconnects.labelValues(stream).inc();
    }

    void inputState(String stream, InputState state) {
        inputUp.labelValues(stream).set(state == InputState.LIVE ? 1 : 0);
    }

    void sent(String stream) {
        recordsSent.labelValues(stream).inc();
    }

    void dropped(String stream) {
        recordsDropped.labelValues(stream).inc();
    }

    void failed(String stream) {
        recordsFailed.labelValues(stream).inc();
    }

    void buffered(long bytes) {
        bufferedBytes.set(bytes);
    }

    /** The count so far of {@code name} (without _total) for {@code stream}, for tests and the CLI's summary. */
    public double value(String name, String stream) {
        for (var metric : registry.scrape()) {
            if (metric.getMetadata().getName().equals(name)) {
                for (var point : metric.getDataPoints()) {
                    if (stream.equals(point.getLabels().get(STREAM))) {
                        if (point instanceof CounterDataPointSnapshot c) {
                            return c.getValue();
                        }
                        if (point instanceof GaugeDataPointSnapshot g) {
                            return g.getValue();
                        }
                    }
                }
            }
        }
        return Double.NaN;
    }

    private static double nowSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }
}
