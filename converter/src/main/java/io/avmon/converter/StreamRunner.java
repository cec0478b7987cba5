package io.avmon.converter;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.InputState;
import io.avmon.schema.StreamIdRule;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Drives a {@link MediaConverter} into a {@link FeatureSink}, as one live feed.
 *
 * <ul>
 *   <li>{@code realtime}: paces records to media time, like {@code ffmpeg -re}; always on for HLS. A hole in media time
 *       of up to {@link #MAX_PACED_HOLE} is waited out; a longer jump, or falling over {@link #MAX_PACE_LAG} behind,
 *       restarts the pace from the record at hand.</li>
 *   <li>{@code loop}: reopens a file at its end and keeps media time and sequence numbers continuous (video frames
 *       carry on one frame period after the last; both tracks share one offset so A/V sync does not drift, and an
 *       audio block may overlap the previous loop's last one by the tracks' length difference, tens of ms).</li>
 *   <li>{@code reconnect}: when opening or reading fails, or a network input ends, retries with exponential
 *       back-off (0.5 s doubling to 10 s) and meanwhile sends a StreamStatus RECONNECTING heartbeat once a second,
 *       from a timer thread, so a feed gone quiet is visible downstream. Default on for network inputs. After the
 *       outage, media time resumes where it stopped plus the wall time the input was down, whatever the new
 *       connection's clock says.</li>
 * </ul>
 * Statuses: CONNECTING at start, LIVE on every (re)connect, ENDED at the end of a non-looped file or on
 * {@link #stop()}, FAILED when it gives up (any failure without reconnect, an input no retry can open such as an
 * unknown protocol, or after {@code giveUpAfter} of trying). The sink is called under a lock, from the running thread and the heartbeat timer.
 * {@link #stop()} can be called from any thread; {@link #run()} returns within about one network read timeout
 * (2 s) at worst, at once for files.
 */
public final class StreamRunner implements Runnable, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(StreamRunner.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(1);
    /**
     * Paced playback waits out a hole in media time up to this long (a missing segment); a longer step ahead is a
     * discontinuity (an encoder restarted on another clock), and pacing starts afresh from it.
     */
    static final Duration MAX_PACED_HOLE = Duration.ofSeconds(10);
    /**
     * A record this far behind its pace starts pacing afresh: the input stalled, which the job has seen as a quiet
     * stretch. Catching up would send the backlog in one burst and leave no buffer, so every later segment boundary
     * would be a quiet stretch too.
     */
    static final Duration MAX_PACE_LAG = Duration.ofSeconds(1);

    private static final String HLS_FORMAT = "hls";

    /**
     * @param giveUpAfter how long to keep retrying an input that is down before FAILED; null retries for ever
     * @param schemes     the URL schemes the input may use (a scheme off the list fails at once, FAILED)
     */
    public record Options(
            String input,
            String streamId,
            boolean realtime,
            boolean loop,
            boolean reconnect,
            int decoderThreads,
            Duration giveUpAfter,
            InputSchemes schemes) {
        public Options {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(schemes, "schemes");
            // The runner publishes: its id becomes a Kafka key, and the job's metric labels and names downstream.
            StreamIdRule.require(streamId);
        }

        /** No pacing, no loop, reconnect for network inputs, one decoder thread, retry for ever. */
        public static Options of(String input, String streamId) {
            return new Options(
                    input, streamId, false, false, MediaConverter.isNetworkInput(input), 1, null, InputSchemes.DEFAULT);
        }

        public Options withRealtime(boolean value) {
            return new Options(input, streamId, value, loop, reconnect, decoderThreads, giveUpAfter, schemes);
        }

        public Options withLoop(boolean value) {
            return new Options(input, streamId, realtime, value, reconnect, decoderThreads, giveUpAfter, schemes);
        }

        public Options withReconnect(boolean value) {
            return new Options(input, streamId, realtime, loop, value, decoderThreads, giveUpAfter, schemes);
        }

        public Options withDecoderThreads(int value) {
            return new Options(input, streamId, realtime, loop, reconnect, value, giveUpAfter, schemes);
        }

        public Options withSchemes(InputSchemes value) {
            return new Options(input, streamId, realtime, loop, reconnect, decoderThreads, giveUpAfter, value);
        }

        public Options withGiveUpAfter(Duration value) {
            return new Options(input, streamId, realtime, loop, reconnect, decoderThreads, value, schemes);
        }
    }

    private final Options options;
    private final FeatureSink sink;
    private final ConverterMetrics metrics;
    private final Object sinkLock = new Object();
    private volatile boolean stopped;
    private volatile boolean reconnecting;
    private volatile String downMessage;
    private volatile InputState lastState;
    private volatile String failure;
    private volatile Consumer<String> warningListener = message -> LOG.warn(message);
    private volatile long lastMediaTimeUs = Long.MIN_VALUE;
    private volatile long positionUs;
    private long videoSequence;
    private long audioSequence;
    private long timeOffsetUs;
    private long lastVideoUs = Long.MIN_VALUE;
    private long frameDurationUs = 40_000;
    private long pacingWallStartNs;
    private long pacingMediaStartUs = Long.MIN_VALUE;
    private boolean paced;
    /** The latest media time paced so far. */
    private long pacedUpToUs;
    /** Set while the input is down: the next connection's first record re-anchors the timeline on the wall clock. */
    private boolean resumeOnWallClock;
    /** When the last media record was sent (System.nanoTime). */
    private long lastSendNs;

    private volatile Thread runningThread;

    public StreamRunner(Options options, FeatureSink sink) {
        this(options, sink, new ConverterMetrics());
    }

    /** As {@link #StreamRunner(Options, FeatureSink)}, counting frames, reconnects and input state in metrics. */
    public StreamRunner(Options options, FeatureSink sink, ConverterMetrics metrics) {
        this.options = options;
        this.sink = sink;
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** Where converter warnings go (default: this class's log at WARN). */
    public void setWarningListener(Consumer<String> listener) {
        this.warningListener = Objects.requireNonNull(listener);
    }

    /** The stream id this runner publishes under. */
    public String streamId() {
        return options.streamId();
    }

    /** The last status sent: LIVE while running, ENDED or FAILED after {@link #run()} returns. */
    public InputState lastState() {
        return lastState;
    }

    /** Why the runner gave up: the FAILED status's message, one line naming the input and the cause; else null. */
    public String failure() {
        return failure;
    }

    /** Media time reached, including loop offsets, for progress. */
    public long positionUs() {
        return positionUs;
    }

    /** Runs until the input ends (ENDED), {@link #stop()} (ENDED) or the runner gives up (FAILED). */
    @Override
    public void run() {
        runningThread = Thread.currentThread();
        metrics.started(options.streamId());
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "avmon-heartbeat-" + options.streamId());
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleAtFixedRate(
                () -> {
                    if (reconnecting && !stopped) {
                        status(InputState.RECONNECTING, downMessage);
                    }
                },
                HEARTBEAT_PERIOD.toMillis(),
                HEARTBEAT_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            status(InputState.CONNECTING, options.input());
            loop();
        } finally {
            heartbeat.shutdownNow();
            runningThread = null;
        }
    }

    private void loop() {
        long backoffMs = FIRST_BACKOFF.toMillis();
        long downSinceNs = 0;
        ConverterOptions converterOptions =
                new ConverterOptions(options.streamId(), options.decoderThreads(), options.schemes());
        while (!stopped) {
            String problem;
            boolean permanent = false;
            try (MediaConverter converter = MediaConverter.open(options.input(), converterOptions)) {
                reconnecting = false;
                backoffMs = FIRST_BACKOFF.toMillis();
                downSinceNs = 0;
                pacingMediaStartUs = Long.MIN_VALUE;
                MediaInfo info = converter.info();
                // HLS arrives a segment at a time, seconds apart: sent as it comes, every segment boundary would look
                // like a stall to the job's watchdog. A player plays it at its own pace from a few segments' buffer,
                // and so does the runner; a missing segment is then a quiet stretch of its length, as a viewer sees it.
                paced = options.realtime() || HLS_FORMAT.equals(info.formatName());
                if (info.frameRate() > 0) {
                    frameDurationUs = Math.round(1e6 / info.frameRate());
                }
                status(
                        InputState.LIVE,
                        info.formatName()
                                + (info.hasVideo() ? " " + info.width() + "x" + info.height() : "")
                                + (info.hasAudio()
                                        ? " audio " + info.channels() + "ch " + info.sampleRate() + " Hz"
                                        : ""));
                boolean ended = pump(converter);
                if (stopped) {
                    break;
                }
                if (ended && options.loop()) {
                    continue;
                }
                if (ended && !(options.reconnect() && MediaConverter.isNetworkInput(options.input()))) {
                    status(InputState.ENDED, "end of input");
                    return;
                }
                problem = options.input() + ": input ended";
            } catch (MediaInputException e) {
                problem = e.getMessage();
                permanent = e.isPermanent();
            } catch (RuntimeException e) {
                // A sink failure (e.g. Kafka) is not the input's fault: retrying the input would not help.
                status(InputState.FAILED, "cannot send: " + FfmpegErrors.firstLine(String.valueOf(e.getMessage())));
                throw e;
            }
            if (stopped) {
                break;
            }
            if (!options.reconnect() || permanent) {
                status(InputState.FAILED, problem);
                return;
            }
            if (downSinceNs == 0) {
                downSinceNs = System.nanoTime();
            }
            if (options.giveUpAfter() != null
                    && System.nanoTime() - downSinceNs > options.giveUpAfter().toNanos()) {
                reconnecting = false;
                status(
                        InputState.FAILED,
                        "gave up after " + options.giveUpAfter().toSeconds() + " s: " + problem);
                return;
            }
            warningListener.accept(problem + "; retrying in " + backoffMs + " ms");
            downMessage = problem;
            resumeOnWallClock = true;
            if (!reconnecting) {
                reconnecting = true;
                metrics.reconnecting(options.streamId());
                status(InputState.RECONNECTING, problem);
            }
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
        }
        reconnecting = false;
        status(InputState.ENDED, "stopped");
    }

    /** Sends records until the input ends (true) or the runner is stopped (false). */
    private boolean pump(MediaConverter converter) throws MediaInputException {
        long firstVideoUs = Long.MIN_VALUE;
        long lastVideoInFileUs = Long.MIN_VALUE;
        boolean firstOpenOfOffset = true;
        while (!stopped) {
            SpecificRecord record = converter.next();
            for (String warning : converter.drainWarnings()) {
                warningListener.accept(warning);
            }
            if (record == null) {
                // Continue the next loop one frame period after this one's last frame.
                if (lastVideoInFileUs != Long.MIN_VALUE) {
                    timeOffsetUs += lastVideoInFileUs + frameDurationUs - Math.max(0, firstVideoUs);
                } else {
                    timeOffsetUs += converter.positionUs();
                }
                return true;
            }
            if (resumeOnWallClock) {
                resumeAfterOutage(record);
            }
            long mediaTimeUs;
            if (record instanceof VideoFrameFeatures video) {
                if (firstVideoUs == Long.MIN_VALUE) {
                    firstVideoUs = video.getMediaTimeUs();
                }
                lastVideoInFileUs = video.getMediaTimeUs();
                mediaTimeUs = shift(video.getMediaTimeUs(), firstVideoUs);
                video.setMediaTimeUs(mediaTimeUs);
                video.setSequence(videoSequence++);
                lastVideoUs = mediaTimeUs;
            } else if (record instanceof AudioBlockFeatures audio) {
                mediaTimeUs = shift(audio.getMediaTimeUs(), firstVideoUs);
                audio.setMediaTimeUs(mediaTimeUs);
                audio.setSequence(audioSequence++);
            } else {
                continue;
            }
            if (paced) {
                pace(mediaTimeUs);
            }
            if (stopped) {
                return false;
            }
            send(record);
            lastSendNs = System.nanoTime();
            if (record instanceof VideoFrameFeatures) {
                metrics.videoFrameDecoded(options.streamId());
            } else {
                metrics.audioBlockDecoded(options.streamId());
            }
            lastMediaTimeUs = mediaTimeUs;
            positionUs = Math.max(positionUs, mediaTimeUs);
        }
        return false;
    }

    /**
     * After an outage the new connection's clock is unrelated to the old one (it restarts, or it jumped while nobody
     * listened). Its first record continues the timeline where the last one sent left it, plus the wall time the
     * input was down: the outage stays a hole of its real length in media time, so a stall is measured by what the
     * viewer missed, and detectors that learn a cadence or a skew see a discontinuity (over 1 s) rather than a jump
     * backwards or a seamless splice.
     */
    private void resumeAfterOutage(SpecificRecord first) {
        resumeOnWallClock = false;
        long fileTimeUs;
        if (first instanceof VideoFrameFeatures video) {
            fileTimeUs = video.getMediaTimeUs();
        } else if (first instanceof AudioBlockFeatures audio) {
            fileTimeUs = audio.getMediaTimeUs();
        } else {
            return;
        }
        if (lastMediaTimeUs != Long.MIN_VALUE) {
            long downUs = (System.nanoTime() - lastSendNs) / 1000;
            timeOffsetUs = lastMediaTimeUs + Math.max(frameDurationUs, downUs) - fileTimeUs;
        }
    }

    /**
     * Media time on the runner's continuous timeline. After a loop, the file's timeline is shifted so its first
     * video frame follows the previous loop's last one; before a loop (offset 0) times pass unchanged.
     */
    private long shift(long fileTimeUs, long firstVideoUs) {
        return fileTimeUs + timeOffsetUs;
    }

    private void pace(long mediaTimeUs) {
        long nowNs = System.nanoTime();
        if (pacingMediaStartUs != Long.MIN_VALUE) {
            if (mediaTimeUs <= pacedUpToUs) {
                // Before what was already waited for: a record of the other track that comes late, as the decoder's
                // delayed frame or the audio block completed only by the next sound, across a hole that was just
                // waited out. Sent at once; only a jump back beyond any hole restarts the pace.
                if (pacedUpToUs - mediaTimeUs <= MAX_PACED_HOLE.toNanos() / 1000) {
                    return;
                }
            } else {
                long targetNs = pacingWallStartNs + (mediaTimeUs - pacingMediaStartUs) * 1000;
                long aheadNs = targetNs - nowNs;
                if (aheadNs <= MAX_PACED_HOLE.toNanos() && aheadNs >= -MAX_PACE_LAG.toNanos()) {
                    pacedUpToUs = mediaTimeUs;
                    while (!stopped) {
                        long waitNs = targetNs - System.nanoTime();
                        if (waitNs <= 0) {
                            return;
                        }
                        sleep(Math.max(1, Math.min(100, waitNs / 1_000_000)));
                    }
                    return;
                }
            }
        }
        pacingMediaStartUs = mediaTimeUs;
        pacingWallStartNs = nowNs;
        pacedUpToUs = mediaTimeUs;
    }

    private void status(InputState state, String message) {
        StreamStatus status = new StreamStatus();
        status.setStreamId(options.streamId());
        status.setIngestTimeMs(System.currentTimeMillis());
        status.setState(state);
        status.setLastMediaTimeUs(lastMediaTimeUs == Long.MIN_VALUE ? null : lastMediaTimeUs);
        status.setMessage(message);
        if (state == InputState.FAILED) {
            failure = message;
        }
        lastState = state;
        metrics.inputState(options.streamId(), state);
        send(status);
    }

    private void send(SpecificRecord record) {
        synchronized (sinkLock) {
            sink.send(record);
        }
    }

    private void sleep(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!stopped) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(left, 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
                return;
            }
        }
    }

    /** Asks the runner to stop; {@link #run()} sends ENDED "stopped" and returns promptly. Any thread. */
    public void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        stop();
    }
}
