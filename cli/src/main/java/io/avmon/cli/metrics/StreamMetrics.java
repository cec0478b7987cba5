package io.avmon.cli.metrics;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.StreamHealth;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every stream's health and defects as Prometheus series with a {@code stream} label: what a channel wall and a
 * per-stream alert need. Cardinality is bounded by design: per stream one series per gauge, one per defect type for
 * the defect series (11 types), three for the input state; never one per event. A stream that sends no health for
 * {@code staleAfter} loses all its series, so a channel taken off the air leaves the wall by itself.
 *
 * <p>Open defects follow the defect topic (OPENED adds, CLOSED removes), because it is immediate and carries each
 * defect's severity; the 10 s health record corrects it both ways. A type health says is open, but whose OPENED
 * this exporter never read (it was opened before the defect history read at start), is counted with the severity
 * last seen for that type on that stream, or {@code unknown}: the severities are the profile's, and this exporter
 * reads no profile (nor needs the job's classes). A defect health has stopped listing for a window that began {@link #HEALTH_OVERRULES_AFTER} after it
 * started is dropped: its CLOSED will not come (the job lost its state, or the profile disabled the type).
 *
 * <p>The defect_severity label of a type with no open defect is the last it was seen with (so the series stays one),
 * and {@code unknown} before any event of it.
 *
 * <p>Not thread-safe: one consumer thread updates it. The Prometheus series it writes are safe to scrape meanwhile.
 */
public final class StreamMetrics {

    /**
     * How long after a defect's start health may overrule an OPENED it does not list. The longest raise delay (10 s,
     * loudness) plus two health windows, so that a health record of a window before the defect was raised, arriving
     * after its OPENED, never removes it.
     */
    static final Duration HEALTH_OVERRULES_AFTER = Duration.ofSeconds(30);

    /** The input states, as a stream's health shows them. */
    enum InputState {
        /** Video or audio records arrived in the last window, and no stall is open. */
        LIVE,
        /** A health window without a video frame or audio block, and no stall (yet). */
        NO_MEDIA,
        /** STREAM_STALL is open: the input has been gone for 2 s or more (converter down, feed lost). */
        STALLED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Duration staleAfter;
    private final Gauge openDefects;
    private final Gauge worstOpenSeverity;
    private final Counter defectsOpened;
    private final Gauge framesPerSecond;
    private final Gauge shortTermLoudness;
    private final Gauge inputState;
    private final Gauge lastHealth;
    private final Map<String, StreamState> streams = new HashMap<>();

    public StreamMetrics(PrometheusRegistry registry, Duration staleAfter) {
        this.staleAfter = staleAfter;
        openDefects = Gauge.builder()
                .name("avmon_stream_open_defects")
                .help("Defects OPENED and not yet CLOSED on the stream, by type; defect_severity is that of the open"
                        + " ones, or the last seen for the type")
                .labelNames("stream", "defect_type", "defect_severity")
                .register(registry);
        worstOpenSeverity = Gauge.builder()
                .name("avmon_stream_worst_open_severity")
                .help("The most severe open defect of the stream: 0 none, 1 minor, 2 major, 3 critical")
                .labelNames("stream")
                .register(registry);
        defectsOpened = Counter.builder()
                .name("avmon_stream_defects_opened")
                .help("Defects OPENED on the stream since this exporter started, by type")
                .labelNames("stream", "defect_type")
                .register(registry);
        framesPerSecond = Gauge.builder()
                .name("avmon_stream_frames_per_second")
                .help("Video frames per second of media time in the stream's last 10 s health window")
                .labelNames("stream")
                .register(registry);
        shortTermLoudness = Gauge.builder()
                .name("avmon_stream_short_term_loudness_lufs")
                .help("BS.1770 short-term loudness at the end of the last health window; NaN without audio or"
                        + " below the -70 LUFS gate")
                .labelNames("stream")
                .register(registry);
        inputState = Gauge.builder()
                .name("avmon_stream_input_state")
                .help("1 for the stream's current input state (live, no_media, stalled), 0 for the others")
                .labelNames("stream", "state")
                .register(registry);
        lastHealth = Gauge.builder()
                .name("avmon_stream_last_health_timestamp_seconds")
                .help("End of the stream's last health window, epoch seconds")
                .labelNames("stream")
                .register(registry);
    }

    /** The streams that currently have series. */
    public Set<String> streams() {
        return Set.copyOf(streams.keySet());
    }

    /**
     * One committed defect event.
     *
     * @param count whether it counts in {@code avmon_stream_defects_opened}: false while replaying history at start,
     *     so a restart of the exporter does not show as a burst of defects
     */
    public void onDefect(DefectEvent event, boolean count, long nowMs) {
        String stream = event.getStreamId().toString();
        StreamState state = stream(stream, nowMs);
        String eventId = event.getEventId().toString();
        DefectType type = event.getDefectType();
        state.lastSeverity.put(type, event.getSeverity());
        if (event.getState() == DefectState.OPENED) {
            state.open.remove(placeholder(type));
            state.open.put(eventId, new OpenDefect(type, event.getSeverity(), event.getStartWallClockMs()));
            if (count) {
                defectsOpened.labelValues(stream, type.name()).inc();
            }
        } else {
            state.open.remove(eventId);
        }
        publish(stream, state);
    }

    /** One committed health record: the stream's frame rate, loudness, input state, and a check of its defects. */
    public void onHealth(StreamHealth health, long nowMs) {
        String stream = health.getStreamId().toString();
        StreamState state = stream(stream, nowMs);
        state.lastHealthAtMs = nowMs;
        framesPerSecond.labelValues(stream).set(health.getFramesPerSecond());
        Double loudness = health.getShortTermLoudnessLufs();
        shortTermLoudness.labelValues(stream).set(loudness == null ? Double.NaN : loudness);
        lastHealth.labelValues(stream).set(health.getWindowEndMs() / 1000.0);

        List<DefectType> listed = health.getOpenDefectTypes();
        long overruleBefore = health.getWindowStartMs() - HEALTH_OVERRULES_AFTER.toMillis();
        for (Iterator<OpenDefect> it = state.open.values().iterator(); it.hasNext(); ) {
            OpenDefect open = it.next();
            boolean stale = open.fromHealth() || open.startWallClockMs() <= overruleBefore;
            if (stale && !listed.contains(open.type())) {
                it.remove();
            }
        }
        for (DefectType type : listed) {
            if (state.open.values().stream().noneMatch(open -> open.type() == type)) {
                state.open.put(placeholder(type), new OpenDefect(type, state.lastSeverity.get(type), Long.MIN_VALUE));
            }
        }

        InputState input = listed.contains(DefectType.STREAM_STALL)
                ? InputState.STALLED
                : health.getVideoFrames() == 0 && health.getAudioBlocks() == 0 ? InputState.NO_MEDIA : InputState.LIVE;
        for (InputState each : InputState.values()) {
            inputState.labelValues(stream, each.label()).set(each == input ? 1 : 0);
        }
        publish(stream, state);
    }

    /** Drops every series of the streams that sent no health for {@code staleAfter}; returns how many went. */
    public int evictStale(long nowMs) {
        int evicted = 0;
        for (Iterator<Map.Entry<String, StreamState>> it = streams.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, StreamState> entry = it.next();
            if (nowMs - entry.getValue().lastHealthAtMs > staleAfter.toMillis()) {
                String stream = entry.getKey();
                StreamState state = entry.getValue();
                for (DefectType type : DefectType.values()) {
                    String exported = state.exportedSeverity.get(type);
                    if (exported != null) {
                        openDefects.remove(stream, type.name(), exported);
                    }
                    defectsOpened.remove(stream, type.name());
                }
                for (InputState each : InputState.values()) {
                    inputState.remove(stream, each.label());
                }
                worstOpenSeverity.remove(stream);
                framesPerSecond.remove(stream);
                shortTermLoudness.remove(stream);
                lastHealth.remove(stream);
                it.remove();
                evicted++;
            }
        }
        return evicted;
    }

    private StreamState stream(String stream, long nowMs) {
        return streams.computeIfAbsent(stream, name -> {
            // Every type's counter starts at 0, so the first defect of a type is an increase Prometheus sees.
            for (DefectType type : DefectType.values()) {
                defectsOpened.initLabelValues(name, type.name());
            }
            StreamState state = new StreamState();
            state.lastHealthAtMs = nowMs;
            return state;
        });
    }

    /** Writes the stream's defect gauges from its open defects: one series per type, whose severity may change. */
    private void publish(String stream, StreamState state) {
        Map<DefectType, Integer> counts = new EnumMap<>(DefectType.class);
        Map<DefectType, Severity> severities = new EnumMap<>(DefectType.class);
        for (OpenDefect open : state.open.values()) {
            counts.merge(open.type(), 1, Integer::sum);
            if (open.severity() != null) {
                severities.merge(open.type(), open.severity(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
        int worst = 0;
        for (DefectType type : DefectType.values()) {
            Severity severity = severities.containsKey(type) ? severities.get(type) : state.lastSeverity.get(type);
            String label = label(severity);
            String exported = state.exportedSeverity.put(type, label);
            if (exported != null && !exported.equals(label)) {
                openDefects.remove(stream, type.name(), exported);
            }
            int count = counts.getOrDefault(type, 0);
            openDefects.labelValues(stream, type.name(), label).set(count);
            if (count > 0 && severity != null) {
                worst = Math.max(worst, severity.ordinal() + 1);
            }
        }
        worstOpenSeverity.labelValues(stream).set(worst);
    }

    /** The defect_severity label; {@code unknown} for a type never seen in an event on the stream. */
    private static String label(Severity severity) {
        return severity == null ? "unknown" : severity.name().toLowerCase(Locale.ROOT);
    }

    /** The key under which a defect known only from health is held (one per type). */
    private static String placeholder(DefectType type) {
        return "health:" + type.name();
    }

    /** An open defect; {@code severity} null when known only from health and never seen in an event. */
    private record OpenDefect(DefectType type, Severity severity, long startWallClockMs) {
        boolean fromHealth() {
            return startWallClockMs == Long.MIN_VALUE;
        }
    }

    private static final class StreamState {
        /** Exporter clock (ms) of the last health record; a stream gets one at its first event of any kind. */
        long lastHealthAtMs;
        /** By eventId, or by {@link #placeholder} for a type only health reported. */
        final Map<String, OpenDefect> open = new LinkedHashMap<>();
        /** The severity each type was last seen with on this stream (profiles may change a type's severity). */
        final Map<DefectType, Severity> lastSeverity = new EnumMap<>(DefectType.class);
        /** The defect_severity label each type's open-defects series carries now. */
        final Map<DefectType, String> exportedSeverity = new EnumMap<>(DefectType.class);
    }
}
