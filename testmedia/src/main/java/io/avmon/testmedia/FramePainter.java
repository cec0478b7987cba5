package io.avmon.testmedia;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.SplittableRandom;

/**
 * Paints one YUV 4:2:0 frame (planar, contiguous Y then Cb then Cr, limited range) for a video kind at a media
 * time. Textures, noise tables and index arrays are built once; a frame costs one lookup per sample.
 */
final class FramePainter {
    private static final int BLACK_Y = 16;
    private static final int NEUTRAL_C = 128;
    private static final int NOISE_TABLE_BITS = 20;
    private static final int NOISE_MASK = (1 << NOISE_TABLE_BITS) - 1;
    /** Longest leg of a photograph's pan before it turns back, seconds: keeps the pan visibly moving. */
    private static final double PHOTO_LEG_SECONDS = 6;
    /** Sensor noise of the STATIC_NOISE kind, in 8-bit luma levels. */
    static final double SENSOR_NOISE_SIGMA = 2.5;

    private static final int LETTERBOX_BAR_ALIGN = 2;

    private final int width;
    private final int height;
    private final int chromaWidth;
    private final int chromaHeight;
    private final int lumaSize;
    private final int chromaSize;
    private final long seed;

    private final NoiseTexture dayTexture;
    private final NoiseTexture nightTexture;
    private final NoiseTexture[] shotTextures;
    private final byte[] sensorNoise;
    private final MovingObject[] objects;

    private final int[] xIndex;
    private final int[] yIndex;
    private final int[] cxIndex;
    private final int[] cyIndex;
    private final byte[] identity = new byte[256];
    private final byte[] lumaLut = new byte[256];
    private final byte[] cbLut = new byte[256];
    private final byte[] crLut = new byte[256];

    /** The last frame that was not FROZEN, which FROZEN repeats exactly. */
    private final byte[] lastContent;

    private boolean haveContent;
    /** The still scene STATIC_NOISE adds noise to, and the segment it was painted for. */
    private final byte[] stillBase;
    /** The later field's picture while an interlaced frame is woven. */
    private final byte[] laterField;

    private double stillSegmentStart = Double.NaN;
    /** Frames per second of the clip, for the sync pattern's frame-exact flashes. */
    private int fps = 25;

    private final SplittableRandom frameNoise;
    /** Still pictures painted once (bars, the slide's stripes), by kind. */
    private final EnumMap<VideoKind, byte[]> stills = new EnumMap<>(VideoKind.class);

    private long tickerFrame;

    FramePainter(int width, int height, long seed) {
        this.width = width;
        this.height = height;
        this.chromaWidth = width / 2;
        this.chromaHeight = height / 2;
        this.lumaSize = width * height;
        this.chromaSize = chromaWidth * chromaHeight;
        this.seed = seed;
        this.dayTexture = new NoiseTexture(seed * 31 + 1, -6, 10);
        this.nightTexture = new NoiseTexture(seed * 31 + 2, 0, 0);
        this.shotTextures = new NoiseTexture[] {
            new NoiseTexture(seed * 31 + 3, 20, -15),
            new NoiseTexture(seed * 31 + 4, -25, 5),
            new NoiseTexture(seed * 31 + 5, 5, 25),
        };
        SplittableRandom random = new SplittableRandom(seed * 31 + 6);
        this.sensorNoise = new byte[1 << NOISE_TABLE_BITS];
        for (int i = 0; i < sensorNoise.length; i++) {
            sensorNoise[i] = (byte) Math.round(gaussian(random) * SENSOR_NOISE_SIGMA);
        }
        this.objects = new MovingObject[] {
            MovingObject.random(random, width, height),
            MovingObject.random(random, width, height),
            MovingObject.random(random, width, height),
        };
        this.frameNoise = new SplittableRandom(seed * 31 + 7);
        this.xIndex = new int[width];
        this.yIndex = new int[height];
        this.cxIndex = new int[chromaWidth];
        this.cyIndex = new int[chromaHeight];
        for (int i = 0; i < 256; i++) {
            identity[i] = (byte) i;
        }
        this.lastContent = new byte[frameBytes()];
        this.stillBase = new byte[frameBytes()];
        this.laterField = new byte[frameBytes()];
    }

    void frameRate(int fps) {
        this.fps = fps;
    }

    int frameBytes() {
        return lumaSize + 2 * chromaSize;
    }

    /**
     * Paints the frame at media time {@code t} of a segment of kind {@code kind} that started at
     * {@code segmentStart} and lasts {@code segmentDuration}.
     */
    void paint(byte[] frame, VideoKind kind, double t, double segmentStart, double segmentDuration, int segmentIndex) {
        double local = t - segmentStart;
        switch (kind) {
            case MOTION -> paintMotion(frame, t, 0, height);
            case BLACK -> fill(frame, BLACK_Y, NEUTRAL_C, NEUTRAL_C);
            case FROZEN -> {
                if (!haveContent) {
                    paintMotion(lastContent, t, 0, height);
                    haveContent = true;
                }
                System.arraycopy(lastContent, 0, frame, 0, frame.length);
                return;
            }
            case DIP_TO_BLACK -> {
                paintMotion(frame, t, 0, height);
                double hold = Math.max(0, Math.min(1.0, segmentDuration - 1.0));
                double gain = local < 0.5
                        ? 1 - local / 0.5
                        : local < 0.5 + hold ? 0 : local < 1.0 + hold ? (local - 0.5 - hold) / 0.5 : 1;
                fade(frame, gain);
            }
            case FADE_THROUGH_BLACK -> {
                double hold = Math.max(0, Math.min(0.5, segmentDuration - 3.0));
                double fadeOut = Math.min(1.5, segmentDuration / 2);
                if (local < fadeOut + hold / 2) {
                    paintMotion(frame, t, 0, height);
                } else {
                    paintShot(frame, local, t, segmentIndex);
                }
                double gain = local < fadeOut
                        ? 1 - local / fadeOut
                        : local < fadeOut + hold ? 0 : Math.min(1, (local - fadeOut - hold) / 1.5);
                fade(frame, gain);
            }
            case PHOTO_PAN -> paintPhoto(frame, local, segmentDuration, segmentIndex);
            case DARK_SCENE -> paintNight(frame, t);
            case LETTERBOX -> {
                int active = (int) Math.round(width / 2.39);
                int bar = ((height - active) / 2) & ~(LETTERBOX_BAR_ALIGN * 2 - 1);
                fill(frame, BLACK_Y, NEUTRAL_C, NEUTRAL_C);
                paintMotion(frame, t, bar, height - bar);
            }
            case STATIC_NOISE -> {
                if (stillSegmentStart != segmentStart) {
                    setTone(0, 1, 0, 0);
                    paintTexture(stillBase, dayTexture, 300 + segmentIndex * 97, 200, 1.0, 0, height);
                    stillSegmentStart = segmentStart;
                }
                addSensorNoise(stillBase, frame);
            }
            case SCENE_CUTS -> paintShot(frame, local, t, segmentIndex);
            case SYNC_FLASHES -> paintSyncFlashes(frame, t, segmentStart, segmentDuration);
            case COLOR_BARS -> System.arraycopy(still(kind, TestCard.SMPTE), 0, frame, 0, frame.length);
            case COLOR_BARS_EBU -> System.arraycopy(still(kind, TestCard.EBU), 0, frame, 0, frame.length);
            case COLOR_BARS_HD -> System.arraycopy(still(kind, TestCard.ARIB), 0, frame, 0, frame.length);
            case RAINBOW_SLIDE -> {
                System.arraycopy(still(kind, TestCard.RAINBOW), 0, frame, 0, frame.length);
                paintTicker(frame, tickerFrame++);
            }
            default -> throw new IllegalArgumentException("unknown video kind " + kind);
        }
        System.arraycopy(frame, 0, lastContent, 0, frame.length);
        haveContent = true;
    }

    /**
     * Paints an interlaced frame: the earlier field (top rows first when {@code topFirst}) from media time {@code t},
     * the later one from {@code t + fieldSeconds}, as an interlaced camera scans them; motion combs. FROZEN repeats the
     * last woven frame, both fields, as a stuck frame store does.
     */
    void paintInterlaced(
            byte[] frame,
            VideoKind kind,
            double t,
            double fieldSeconds,
            boolean topFirst,
            double segmentStart,
            double segmentDuration,
            int segmentIndex) {
        paint(frame, kind, t, segmentStart, segmentDuration, segmentIndex);
        if (kind == VideoKind.FROZEN) {
            return;
        }
        paint(laterField, kind, t + fieldSeconds, segmentStart, segmentDuration, segmentIndex);
        int laterParity = topFirst ? 1 : 0;
        for (int y = laterParity; y < height; y += 2) {
            System.arraycopy(laterField, y * width, frame, y * width, width);
        }
        // 4:2:0 interlaced chroma: each chroma row belongs to the field of its own parity.
        for (int plane = 0; plane < 2; plane++) {
            int base = lumaSize + plane * chromaSize;
            for (int y = laterParity; y < chromaHeight; y += 2) {
                System.arraycopy(laterField, base + y * chromaWidth, frame, base + y * chromaWidth, chromaWidth);
            }
        }
        System.arraycopy(frame, 0, lastContent, 0, frame.length);
    }

    /** Dark grey (Y=48) with sensor noise, or white (Y=235) on a flash frame of {@link SyncPattern}. */
    private void paintSyncFlashes(byte[] frame, double t, double segmentStart, double segmentDuration) {
        // The frame whose interval holds the instant: an interlaced frame's later field, half a frame on, is still
        // its own frame's (rounding put it in the next frame, lighting it half a frame before the flash's truth).
        long frameIndex = (long) Math.floor(t * fps + 1e-6);
        if (SyncPattern.flashing(seed, frameIndex, fps, segmentStart, segmentStart + segmentDuration)) {
            fill(frame, 235, NEUTRAL_C, NEUTRAL_C);
            return;
        }
        if (stillSegmentStart != segmentStart) {
            fill(stillBase, 48, NEUTRAL_C, NEUTRAL_C);
            stillSegmentStart = segmentStart;
        }
        addSensorNoise(stillBase, frame);
    }

    private byte[] still(VideoKind kind, TestCard.Rgb rgb) {
        return stills.computeIfAbsent(kind, k -> {
            byte[] picture = new byte[frameBytes()];
            TestCard.paint(picture, width, height, rgb);
            return picture;
        });
    }

    /** White blocks in the slide's bottom strip, moved left by a few pixels each frame (luma only). */
    private void paintTicker(byte[] frame, long frameIndex) {
        int top = (int) Math.ceil(height * TestCard.SlideTicker.TOP) + 4;
        int bottom = height - 4;
        long shift = frameIndex * TestCard.SlideTicker.PIXELS_PER_FRAME;
        for (int y = top; y < bottom; y++) {
            for (int x = 0; x < width; x++) {
                if (((x + shift) / TestCard.SlideTicker.BLOCK) % 3 == 0) {
                    frame[y * width + x] = (byte) 200;
                }
            }
        }
    }

    private void paintMotion(byte[] frame, double t, int rowFrom, int rowTo) {
        double ox = 60 * t + 80 * Math.sin(0.4 * t);
        double oy = 25 * t + 40 * Math.cos(0.3 * t);
        double zoom = 1 + 0.25 * Math.sin(2 * Math.PI * t / 9);
        setTone(0, 1, 0, 0);
        paintTexture(frame, dayTexture, ox, oy, zoom, rowFrom, rowTo);
        for (MovingObject object : objects) {
            object.draw(frame, t, width, height, rowFrom, rowTo, identity);
        }
    }

    /**
     * A photograph under a view that pans at a steady pace between two opposite sides of the photograph, turning
     * back without stopping when a leg takes longer than {@link #PHOTO_LEG_SECONDS}, and zooms steadily over the
     * segment (the rostrum camera's move); sampled nearest-neighbour as the textures are; the procedural texture
     * when there is no photograph. Steady, because a move that eases to a stop leaves a noiseless still picture,
     * which is a freeze to any detector.
     */
    private void paintPhoto(byte[] frame, double local, double segmentDuration, int segmentIndex) {
        PhotoLibrary.PhotoTexture photo = PhotoLibrary.texture(seed * 31 + segmentIndex, width, height);
        if (photo == null) {
            paintMotion(frame, local, 0, height);
            return;
        }
        SplittableRandom move = new SplittableRandom(seed * 7_919L + segmentIndex * 131L + 17);
        double zoomFrom = 0.85 + 0.3 * move.nextDouble();
        double zoomTo = zoomFrom + (move.nextBoolean() ? 0.15 : -0.15) * (0.5 + 0.5 * move.nextDouble());
        double zoom = zoomFrom + (zoomTo - zoomFrom) * Math.min(1, local / segmentDuration);
        double viewWidth = width * zoom;
        double viewHeight = height * zoom;
        double leg = Math.min(PHOTO_LEG_SECONDS, segmentDuration);
        double phase = (local / leg) % 2;
        double along = phase < 1 ? phase : 2 - phase;
        double side = move.nextBoolean() ? 1 : -1;
        double fromY = move.nextDouble();
        double u = 0.5 + side * 0.4 * (1 - 2 * along);
        double v = fromY + (1 - 2 * fromY) * along;
        double centreX = viewWidth / 2 + (photo.width - viewWidth) * u;
        double centreY = viewHeight / 2 + (photo.height - viewHeight) * v;
        double left = centreX - viewWidth / 2;
        double top = centreY - viewHeight / 2;
        int chromaWidthOfPhoto = photo.width / 2;
        for (int x = 0; x < width; x++) {
            xIndex[x] = NoiseTexture.clamp((int) Math.floor(left + x * zoom), 0, photo.width - 1);
        }
        for (int y = 0; y < height; y++) {
            yIndex[y] = NoiseTexture.clamp((int) Math.floor(top + y * zoom), 0, photo.height - 1) * photo.width;
        }
        for (int x = 0; x < chromaWidth; x++) {
            cxIndex[x] = NoiseTexture.clamp((int) Math.floor((left + 2 * x * zoom) / 2), 0, chromaWidthOfPhoto - 1);
        }
        for (int y = 0; y < chromaHeight; y++) {
            cyIndex[y] = NoiseTexture.clamp((int) Math.floor((top + 2 * y * zoom) / 2), 0, photo.height / 2 - 1)
                    * chromaWidthOfPhoto;
        }
        for (int y = 0; y < height; y++) {
            int row = yIndex[y];
            int out = y * width;
            for (int x = 0; x < width; x++) {
                frame[out + x] = photo.luma[row + xIndex[x]];
            }
        }
        for (int y = 0; y < chromaHeight; y++) {
            int row = cyIndex[y];
            int out = y * chromaWidth;
            for (int x = 0; x < chromaWidth; x++) {
                frame[lumaSize + out + x] = photo.cb[row + cxIndex[x]];
                frame[lumaSize + chromaSize + out + x] = photo.cr[row + cxIndex[x]];
            }
        }
    }

    /** Night: luma compressed to about 15..43 (mean about 28) with texture, blue cast, two moving lights. */
    private void paintNight(byte[] frame, double t) {
        double ox = 70 * t;
        double oy = 10 * Math.sin(0.5 * t);
        setTone(12, 0.13, 14, -6);
        paintTexture(frame, nightTexture, ox, oy, 1.1, 0, height);
        byte[] dim = new byte[256];
        for (int i = 0; i < 256; i++) {
            dim[i] = (byte) (16 + (i - 16) * 45 / 219);
        }
        objects[0].draw(frame, t, width, height, 0, height, dim);
        objects[1].draw(frame, t, width, height, 0, height, dim);
    }

    /** Shots of 1-2 s each on a different texture and framing, cut hard. */
    private void paintShot(byte[] frame, double local, double t, int segmentIndex) {
        SplittableRandom shots = new SplittableRandom(seed * 1_000_003L + segmentIndex);
        double shotStart = 0;
        int shot = 0;
        double shotLength = 1 + shots.nextDouble();
        while (local >= shotStart + shotLength) {
            shotStart += shotLength;
            shotLength = 1 + shots.nextDouble();
            shot++;
        }
        SplittableRandom framing = new SplittableRandom(seed * 7_919L + segmentIndex * 131L + shot);
        NoiseTexture texture = shotTextures[shot % shotTextures.length];
        double ox = framing.nextDouble() * NoiseTexture.SIZE + 40 * (local - shotStart);
        double oy = framing.nextDouble() * NoiseTexture.SIZE;
        double zoom = 0.8 + 0.6 * framing.nextDouble();
        setTone(0, 1, 0, 0);
        paintTexture(frame, texture, ox, oy, zoom, 0, height);
        objects[shot % objects.length].draw(frame, t, width, height, 0, height, identity);
    }

    /** Tone: luma = lumaOffset + lumaGain * texture; chroma keeps a quarter of its swing plus a cast when not neutral. */
    private void setTone(int lumaOffset, double lumaGain, int cbCast, int crCast) {
        boolean neutral = cbCast == 0 && crCast == 0 && lumaOffset == 0 && lumaGain == 1;
        for (int i = 0; i < 256; i++) {
            lumaLut[i] = (byte) NoiseTexture.clamp((int) Math.round(lumaOffset + lumaGain * i), 0, 255);
            cbLut[i] = neutral ? (byte) i : (byte) NoiseTexture.clamp(128 + cbCast + (i - 128) / 4, 16, 240);
            crLut[i] = neutral ? (byte) i : (byte) NoiseTexture.clamp(128 + crCast + (i - 128) / 4, 16, 240);
        }
    }

    private void paintTexture(
            byte[] frame, NoiseTexture texture, double ox, double oy, double zoom, int rowFrom, int rowTo) {
        double cx = width / 2.0;
        double cy = height / 2.0;
        for (int x = 0; x < width; x++) {
            xIndex[x] = (int) Math.floor(ox + cx + (x - cx) * zoom) & NoiseTexture.MASK;
        }
        for (int y = 0; y < height; y++) {
            yIndex[y] = ((int) Math.floor(oy + cy + (y - cy) * zoom) & NoiseTexture.MASK) * NoiseTexture.SIZE;
        }
        for (int x = 0; x < chromaWidth; x++) {
            cxIndex[x] = (int) Math.floor((ox + cx + (2 * x - cx) * zoom) / 2) & NoiseTexture.CHROMA_MASK;
        }
        for (int y = 0; y < chromaHeight; y++) {
            cyIndex[y] = ((int) Math.floor((oy + cy + (2 * y - cy) * zoom) / 2) & NoiseTexture.CHROMA_MASK)
                    * NoiseTexture.CHROMA_SIZE;
        }
        byte[] luma = texture.luma;
        for (int y = rowFrom; y < rowTo; y++) {
            int row = yIndex[y];
            int out = y * width;
            for (int x = 0; x < width; x++) {
                frame[out + x] = lumaLut[luma[row + xIndex[x]] & 0xFF];
            }
        }
        int cbBase = lumaSize;
        int crBase = lumaSize + chromaSize;
        for (int y = rowFrom / 2; y < (rowTo + 1) / 2; y++) {
            int row = cyIndex[y];
            int out = y * chromaWidth;
            for (int x = 0; x < chromaWidth; x++) {
                int src = row + cxIndex[x];
                frame[cbBase + out + x] = cbLut[texture.cb[src] & 0xFF];
                frame[crBase + out + x] = crLut[texture.cr[src] & 0xFF];
            }
        }
    }

    private void addSensorNoise(byte[] base, byte[] frame) {
        int offset = frameNoise.nextInt(1 << NOISE_TABLE_BITS);
        for (int i = 0; i < lumaSize; i++) {
            frame[i] = (byte) NoiseTexture.clamp((base[i] & 0xFF) + sensorNoise[(offset + i) & NOISE_MASK], 16, 235);
        }
        offset = frameNoise.nextInt(1 << NOISE_TABLE_BITS);
        for (int i = lumaSize; i < base.length; i++) {
            // Chroma noise at about half the luma sigma, as a camera's.
            frame[i] = (byte)
                    NoiseTexture.clamp((base[i] & 0xFF) + (sensorNoise[(offset + i) & NOISE_MASK] >> 1), 16, 240);
        }
    }

    private void fade(byte[] frame, double gain) {
        for (int i = 0; i < 256; i++) {
            lumaLut[i] = (byte) (int) Math.round(BLACK_Y + (i - BLACK_Y) * gain);
            cbLut[i] = (byte) (int) Math.round(NEUTRAL_C + (i - NEUTRAL_C) * gain);
        }
        for (int i = 0; i < lumaSize; i++) {
            frame[i] = lumaLut[frame[i] & 0xFF];
        }
        for (int i = lumaSize; i < frame.length; i++) {
            frame[i] = cbLut[frame[i] & 0xFF];
        }
    }

    private void fill(byte[] frame, int y, int cb, int cr) {
        Arrays.fill(frame, 0, lumaSize, (byte) y);
        Arrays.fill(frame, lumaSize, lumaSize + chromaSize, (byte) cb);
        Arrays.fill(frame, lumaSize + chromaSize, frame.length, (byte) cr);
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = Math.max(1e-12, random.nextDouble());
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A disc with diagonal stripes and a solid colour, moving on a Lissajous path. */
    private record MovingObject(
            double radius,
            double ax,
            double ay,
            double wx,
            double wy,
            double phase,
            int stripeDark,
            int stripeLight,
            int cb,
            int cr) {

        static MovingObject random(SplittableRandom random, int width, int height) {
            return new MovingObject(
                    height * (0.08 + 0.06 * random.nextDouble()),
                    width * (0.25 + 0.15 * random.nextDouble()),
                    height * (0.2 + 0.15 * random.nextDouble()),
                    0.6 + random.nextDouble(),
                    0.5 + random.nextDouble(),
                    random.nextDouble() * 6.28,
                    30 + random.nextInt(40),
                    170 + random.nextInt(60),
                    60 + random.nextInt(140),
                    60 + random.nextInt(140));
        }

        void draw(byte[] frame, double t, int width, int height, int rowFrom, int rowTo, byte[] tone) {
            double centreX = width / 2.0 + ax * Math.sin(wx * t + phase);
            double centreY = height / 2.0 + ay * Math.sin(wy * t + 2 * phase);
            int x0 = Math.max(0, (int) (centreX - radius));
            int x1 = Math.min(width - 1, (int) (centreX + radius));
            int y0 = Math.max(rowFrom, (int) (centreY - radius));
            int y1 = Math.min(rowTo - 1, (int) (centreY + radius));
            double r2 = radius * radius;
            int stripeShift = (int) (t * 40);
            byte dark = tone[stripeDark];
            byte light = tone[stripeLight];
            for (int y = y0; y <= y1; y++) {
                double dy = y - centreY;
                for (int x = x0; x <= x1; x++) {
                    double dx = x - centreX;
                    if (dx * dx + dy * dy <= r2) {
                        frame[y * width + x] = (((x + y + stripeShift) / 7) & 1) == 0 ? dark : light;
                    }
                }
            }
            int chromaWidth = width / 2;
            int cbBase = width * height;
            int crBase = cbBase + chromaWidth * (height / 2);
            for (int y = (y0 + 1) / 2; y <= y1 / 2; y++) {
                double dy = 2 * y - centreY;
                for (int x = (x0 + 1) / 2; x <= x1 / 2; x++) {
                    double dx = 2 * x - centreX;
                    if (dx * dx + dy * dy <= r2) {
                        frame[cbBase + y * chromaWidth + x] = (byte) cb;
                        frame[crBase + y * chromaWidth + x] = (byte) cr;
                    }
                }
            }
        }
    }
}
