package io.avmon.cli.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.StreamHealth;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the exporter's series say for a sequence of committed health and defect records. */
class StreamMetricsTest {

    private static final long T0 = 1_764_570_000_000L;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final StreamMetrics metrics = new StreamMetrics(registry, Duration.ofMinutes(10));

    @Test
    void anOpenedDefectCountsUntilItsClosedWithItsSeverity() {
        metrics.onDefect(defect("e1", DefectType.BLACK_FRAMES, DefectState.OPENED, Severity.CRITICAL, T0), true, T0);

        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "BLACK_FRAMES",
                        "defect_severity",
                        "critical"))
                .isEqualTo(1.0);
        assertThat(value("avmon_stream_worst_open_severity", "stream", "ch1")).isEqualTo(3.0);
        assertThat(value("avmon_stream_defects_opened", "stream", "ch1", "defect_type", "BLACK_FRAMES"))
                .isEqualTo(1.0);
        assertThat(value("avmon_stream_defects_opened", "stream", "ch1", "defect_type", "AUDIO_SILENCE"))
                .as("every type's counter starts at 0")
                .isEqualTo(0.0);

        metrics.onDefect(defect("e1", DefectType.BLACK_FRAMES, DefectState.CLOSED, Severity.CRITICAL, T0), true, T0);

        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "BLACK_FRAMES",
                        "defect_severity",
                        "critical"))
                .isEqualTo(0.0);
        assertThat(value("avmon_stream_worst_open_severity", "stream", "ch1")).isEqualTo(0.0);
    }

    @Test
    void replayedOpenedSetsTheOpenDefectButIsNotCountedAsOpened() {
        metrics.onDefect(defect("e1", DefectType.FROZEN_FRAMES, DefectState.OPENED, Severity.MAJOR, T0), false, T0);

        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "FROZEN_FRAMES",
                        "defect_severity",
                        "major"))
                .isEqualTo(1.0);
        assertThat(value("avmon_stream_defects_opened", "stream", "ch1", "defect_type", "FROZEN_FRAMES"))
                .isEqualTo(0.0);
    }

    @Test
    void healthFillsInADefectWhoseOpenedWasNeverReadWithUnknownSeverity() {
        metrics.onHealth(health(T0, List.of(DefectType.COLOR_BARS), 25, -23.0), T0);

        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "COLOR_BARS",
                        "defect_severity",
                        "unknown"))
                .isEqualTo(1.0);
        assertThat(value("avmon_stream_frames_per_second", "stream", "ch1")).isEqualTo(25.0);
        assertThat(value("avmon_stream_short_term_loudness_lufs", "stream", "ch1"))
                .isEqualTo(-23.0);
        assertThat(value("avmon_stream_input_state", "stream", "ch1", "state", "live"))
                .isEqualTo(1.0);

        metrics.onHealth(health(T0 + 10_000, List.of(), 25, null), T0 + 10_000);

        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "COLOR_BARS",
                        "defect_severity",
                        "unknown"))
                .isEqualTo(0.0);
        assertThat(value("avmon_stream_short_term_loudness_lufs", "stream", "ch1"))
                .isNaN();
    }

    @Test
    void healthDropsAnOpenDefectItStopsListingOnlyWellAfterItStarted() {
        metrics.onDefect(defect("e1", DefectType.BLACK_FRAMES, DefectState.OPENED, Severity.CRITICAL, T0), true, T0);

        // A window that began before the defect was raised says nothing about it.
        metrics.onHealth(health(T0 - 5_000, List.of(), 25, -23.0), T0);
        assertThat(value("avmon_stream_worst_open_severity", "stream", "ch1")).isEqualTo(3.0);

        // 30 s on, health not listing it means its CLOSED will not come.
        metrics.onHealth(health(T0 + 30_000, List.of(), 25, -23.0), T0 + 40_000);
        assertThat(value("avmon_stream_worst_open_severity", "stream", "ch1")).isEqualTo(0.0);
    }

    @Test
    void aStalledStreamShowsAsStalledAndOneWithoutRecordsAsNoMedia() {
        metrics.onHealth(health(T0, List.of(DefectType.STREAM_STALL), 0, null), T0);
        assertThat(value("avmon_stream_input_state", "stream", "ch1", "state", "stalled"))
                .isEqualTo(1.0);
        assertThat(value("avmon_stream_input_state", "stream", "ch1", "state", "live"))
                .isEqualTo(0.0);

        metrics.onHealth(health(T0 + 10_000, List.of(), 0, null), T0 + 10_000);
        assertThat(value("avmon_stream_input_state", "stream", "ch1", "state", "no_media"))
                .isEqualTo(1.0);
    }

    @Test
    void aStreamWithoutHealthForTheStaleTimeLosesEverySeries() {
        metrics.onHealth(health(T0, List.of(), 25, -23.0), T0);
        metrics.onDefect(defect("e1", DefectType.BLACK_FRAMES, DefectState.OPENED, Severity.CRITICAL, T0), true, T0);

        assertThat(metrics.evictStale(T0 + Duration.ofMinutes(9).toMillis())).isZero();
        assertThat(metrics.evictStale(T0 + Duration.ofMinutes(11).toMillis())).isEqualTo(1);

        assertThat(metrics.streams()).isEmpty();
        for (MetricSnapshot snapshot : registry.scrape()) {
            assertThat(snapshot.getDataPoints())
                    .as(snapshot.getMetadata().getName())
                    .isEmpty();
        }
    }

    @Test
    void aSeverityChangedByTheProfileMovesTheTypesOneSeries() {
        metrics.onDefect(defect("e1", DefectType.AUDIO_SILENCE, DefectState.OPENED, Severity.MAJOR, T0), true, T0);
        metrics.onDefect(defect("e1", DefectType.AUDIO_SILENCE, DefectState.CLOSED, Severity.MAJOR, T0), true, T0);
        metrics.onDefect(
                defect("e2", DefectType.AUDIO_SILENCE, DefectState.OPENED, Severity.CRITICAL, T0 + 60_000),
                true,
                T0 + 60_000);

        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "AUDIO_SILENCE",
                        "defect_severity",
                        "critical"))
                .isEqualTo(1.0);
        assertThat(value(
                        "avmon_stream_open_defects",
                        "stream",
                        "ch1",
                        "defect_type",
                        "AUDIO_SILENCE",
                        "defect_severity",
                        "major"))
                .isNull();
    }

    private static DefectEvent defect(
            String eventId, DefectType type, DefectState state, Severity severity, long startWallClockMs) {
        return DefectEvent.newBuilder()
                .setEventId(eventId)
                .setStreamId("ch1")
                .setDefectType(type)
                .setState(state)
                .setStartMediaTimeMs(0)
                .setStartWallClockMs(startWallClockMs)
                .setSeverity(severity)
                .setUnit("%")
                .setDetector("test")
                .build();
    }

    private static StreamHealth health(long windowStartMs, List<DefectType> open, int frames, Double loudness) {
        return StreamHealth.newBuilder()
                .setStreamId("ch1")
                .setWindowStartMs(windowStartMs)
                .setWindowEndMs(windowStartMs + 10_000)
                .setVideoFrames(frames * 10)
                .setFramesPerSecond(frames)
                .setAudioBlocks(frames == 0 ? 0 : 100)
                .setBlackSeconds(0)
                .setFrozenSeconds(0)
                .setSilentSeconds(0)
                .setDecodeErrorFrames(0)
                .setShortTermLoudnessLufs(loudness)
                .setOpenDefects(open.size())
                .setOpenDefectTypes(open)
                .build();
    }

    /** The value of one series, or null when it does not exist. */
    private Double value(String metric, String... labels) {
        Labels wanted = Labels.of(labels);
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (!snapshot.getMetadata().getName().equals(metric)) {
                continue;
            }
            for (DataPointSnapshot point : snapshot.getDataPoints()) {
                if (point.getLabels().equals(wanted)) {
                    return point instanceof GaugeDataPointSnapshot gauge
                            ? gauge.getValue()
                            : ((CounterDataPointSnapshot) point).getValue();
                }
            }
        }
        return null;
    }
}
