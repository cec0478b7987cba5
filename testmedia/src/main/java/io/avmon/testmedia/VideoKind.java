package io.avmon.testmedia;

/** What a segment's picture shows. Defects carry truth; hard negatives look like defects to a naive detector but are not. */
public enum VideoKind {
    /** Photograph-like multi-octave coloured noise, panned and zoomed, with moving striped objects. Normal programme. */
    MOTION(false, false),
    /**
     * A photograph panned and zoomed at a steady pace across the segment (zoom between 0.7 and 1.3), a different one per segment, from
     * {@link PhotoLibrary}: a generated landscape, the same on every machine. Normal programme.
     */
    PHOTO_PAN(false, false),
    /** Y=16, Cb=Cr=128 (limited-range black), as a broken chain emits. Defect: BLACK_FRAMES. */
    BLACK(true, false),
    /** Exact repeat of the last content frame, as a stuck encoder or decoder emits. Defect: FROZEN_FRAMES. */
    FROZEN(true, false),
    /** SMPTE EG 1 colour bars (75%, with castellations and PLUGE), still: a test pattern on air. Defect: COLOR_BARS. */
    COLOR_BARS(true, false),
    /** EBU 100/75 colour bars, full height, still. Defect: COLOR_BARS. */
    COLOR_BARS_EBU(true, false),
    /** ARIB STD-B28 / SMPTE RP 219 HD bars (grey pillars, seven 75% bars, a ramp), still. Defect: COLOR_BARS. */
    COLOR_BARS_HD(true, false),
    /** Fade to black over 0.5 s, hold black for at most 1 s, fade back, then motion: a normal programme junction. */
    DIP_TO_BLACK(false, true),
    /**
     * A slow fade: the programme fades to black over 1.5 s, black holds for at most 0.5 s, and a new scene fades up
     * over 1.5 s: the end of a programme, slower than a dip.
     */
    FADE_THROUGH_BLACK(false, true),
    /** Textured, moving night scene tinted blue, mean luma about 28 with structure and a few moving lights. */
    DARK_SCENE(false, true),
    /** 2.39:1 film in a 16:9 frame: moving content between black bars top and bottom. */
    LETTERBOX(false, true),
    /** A still scene with fresh sensor noise (sigma 2.5 levels) in every frame: static, but not frozen. */
    STATIC_NOISE(false, true),
    /** Hard cuts between different textures every 1-2 s. */
    SCENE_CUTS(false, true),
    /**
     * A still station graphic of saturated vertical stripes in rainbow order (not the bars' order), with a ticker
     * crawling along the bottom tenth: static, colourful and striped, but neither bars nor frozen.
     */
    RAINBOW_SLIDE(false, true),
    /**
     * A sync test pattern: a dark grey picture with sensor noise and a white flash of two frames once per second at a
     * seeded phase within the first 300 ms of each second ({@link SyncPattern}). Pair with
     * {@link AudioContent#syncBeeps}; the truth (AV_SYNC_OFFSET) comes from the audio's shift.
     */
    SYNC_FLASHES(false, false);

    private final boolean defect;
    private final boolean hardNegative;

    VideoKind(boolean defect, boolean hardNegative) {
        this.defect = defect;
        this.hardNegative = hardNegative;
    }

    public boolean isDefect() {
        return defect;
    }

    public boolean isHardNegative() {
        return hardNegative;
    }
}
