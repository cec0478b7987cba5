package io.avmon.job.defect;

import io.avmon.schema.Still;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;

/**
 * The stream's latest picture, as the converter's thumbnail (32x18 luma, 16x9 Cb and Cr): what an OPENED defect
 * shows the operator. The lifecycle's keyed state while a defect track exists, a Flink POJO of about 0.9 KB.
 */
public class LatestPicture {
    public long mediaTimeMs;
    public int width;
    public int height;
    public byte[] luma;
    public byte[] cb;
    public byte[] cr;
    public boolean fullRange;
    public int sourceWidth;
    public int sourceHeight;

    public LatestPicture() {}

    /**
     * The frame's thumbnail copied out of the record, or null when its planes do not match its stated size (a
     * converter bug), so a broken thumbnail never reaches an operator as a picture.
     */
    static LatestPicture of(VideoFrameFeatures frame, long mediaTimeMs) {
        int width = frame.getThumbWidth();
        int height = frame.getThumbHeight();
        int chromaCells = (width / 2) * (height / 2);
        if (width <= 0
                || height <= 0
                || !holds(frame.getThumbLuma(), width * height)
                || !holds(frame.getThumbCb(), chromaCells)
                || !holds(frame.getThumbCr(), chromaCells)) {
            return null;
        }
        LatestPicture picture = new LatestPicture();
        picture.mediaTimeMs = mediaTimeMs;
        picture.width = width;
        picture.height = height;
        picture.luma = copy(frame.getThumbLuma());
        picture.cb = copy(frame.getThumbCb());
        picture.cr = copy(frame.getThumbCr());
        picture.fullRange = frame.getFullRange();
        picture.sourceWidth = frame.getWidth();
        picture.sourceHeight = frame.getHeight();
        return picture;
    }

    Still toStill() {
        return Still.newBuilder()
                .setMediaTimeMs(mediaTimeMs)
                .setWidth(width)
                .setHeight(height)
                .setLuma(ByteBuffer.wrap(luma.clone()))
                .setCb(ByteBuffer.wrap(cb.clone()))
                .setCr(ByteBuffer.wrap(cr.clone()))
                .setFullRange(fullRange)
                .setSourceWidth(sourceWidth)
                .setSourceHeight(sourceHeight)
                .build();
    }

    private static boolean holds(ByteBuffer plane, int cells) {
        return plane != null && plane.remaining() == cells;
    }

    private static byte[] copy(ByteBuffer plane) {
        byte[] bytes = new byte[plane.remaining()];
        plane.duplicate().get(bytes);
        return bytes;
    }
}
