package io.avmon.testmedia;

import java.util.ArrayList;
import java.util.List;

/**
 * The audio track moved against the picture, as a delay switched into one track's path leaves a recording: the
 * timestamps of the audio packets due in {@code [atSeconds, atSeconds + durationSeconds)} are moved by
 * {@code offsetMs} in the MPEG-TS file (positive: the audio plays late), the video is left alone. Where the stretch
 * ends inside the clip, the packets that would then overlap their neighbours are removed, as a delay line's switch
 * drops what it cannot play: audio late leaves {@code offsetMs} of the stretch's end unheard, audio early its start.
 * A shift at 0 moves the whole track from its first packet: an offset the stream has had from its start. MPEG-TS
 * output only.
 */
public record AudioShift(double atSeconds, double durationSeconds, double offsetMs) {
    public AudioShift {
        if (!(atSeconds >= 0) || !(durationSeconds > 0) || !Double.isFinite(offsetMs) || offsetMs == 0) {
            throw new IllegalArgumentException(
                    "an audio shift needs a time >= 0, a positive duration and a non-zero offset: " + atSeconds + ", "
                            + durationSeconds + ", " + offsetMs);
        }
        if (Math.abs(offsetMs) / 1000 >= durationSeconds) {
            throw new IllegalArgumentException(
                    "an audio shift must last longer than its offset: " + durationSeconds + " s, " + offsetMs + " ms");
        }
    }

    public double endSeconds() {
        return atSeconds + durationSeconds;
    }

    /**
     * The timeline as heard: segments split where a shift starts or ends, and a sync pattern under a shift carrying
     * the offset it then has ({@link AudioContent#syncBeeps} of its own delay plus the shift). Other sounds keep their
     * content: a shifted programme is still a programme.
     */
    static List<TimedSegment> heard(List<TimedSegment> timeline, List<AudioShift> shifts) {
        List<TimedSegment> out = new ArrayList<>(timeline);
        for (AudioShift shift : shifts) {
            List<TimedSegment> next = new ArrayList<>();
            for (TimedSegment s : out) {
                double from = Math.max(s.startSeconds(), shift.atSeconds());
                double to = Math.min(s.endSeconds(), shift.endSeconds());
                if (to <= from) {
                    next.add(s);
                    continue;
                }
                if (from > s.startSeconds()) {
                    next.add(new TimedSegment(s.startSeconds(), from, s.video(), s.audio()));
                }
                AudioContent audio = s.audio().kind() == AudioKind.SYNC_BEEPS
                        ? new AudioContent(
                                AudioKind.SYNC_BEEPS,
                                s.audio().levelDbfs(),
                                s.audio().audioDelayMs() + shift.offsetMs())
                        : s.audio();
                next.add(new TimedSegment(from, to, s.video(), audio));
                if (to < s.endSeconds()) {
                    next.add(new TimedSegment(to, s.endSeconds(), s.video(), s.audio()));
                }
            }
            out = next;
        }
        return out;
    }
}
