package io.avmon.converter;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A decoded picture as tightly packed 8-bit planes (luma, Cb, Cr), read from the decoder's AVFrame respecting each
 * plane's linesize. Supports 8-bit planar YUV 4:2:0/4:2:2/4:4:4 and their full-range yuvj variants, NV12/NV21,
 * 10-bit little-endian planar YUV (scaled to 8 bits) and GRAY8. The arrays are reused from frame to frame; copying a
 * plane costs a memcpy per row, far less than decoding it, and lets the feature loops run over a byte[].
 */
final class DecodedPicture {
    int width;
    int height;
    int chromaWidth;
    int chromaHeight;
    boolean fullRange;
    byte[] luma = new byte[0];
    byte[] cb = new byte[0];
    byte[] cr = new byte[0];
    private short[] wideRow = new short[0];
    private byte[] interleavedRow = new byte[0];

    /** Thrown for a pixel format the planes cannot be read from; the message names it. */
    static final class UnsupportedFormatException extends Exception {
        UnsupportedFormatException(String message) {
            super(message);
        }
    }

    static boolean isSupported(int format) {
        return switch (format) {
            case AV_PIX_FMT_YUV420P,
                    AV_PIX_FMT_YUV422P,
                    AV_PIX_FMT_YUV444P,
                    AV_PIX_FMT_YUVJ420P,
                    AV_PIX_FMT_YUVJ422P,
                    AV_PIX_FMT_YUVJ444P,
                    AV_PIX_FMT_NV12,
                    AV_PIX_FMT_NV21,
                    AV_PIX_FMT_YUV420P10LE,
                    AV_PIX_FMT_YUV422P10LE,
                    AV_PIX_FMT_YUV444P10LE,
                    AV_PIX_FMT_GRAY8 -> true;
            default -> false;
        };
    }

    static String formatName(int format) {
        var name = av_get_pix_fmt_name(format);
        return name == null ? "pixel format " + format : name.getString();
    }

    void load(AVFrame frame) throws UnsupportedFormatException {
        int format = frame.format();
        width = frame.width();
        height = frame.height();
        fullRange = frame.color_range() == AVCOL_RANGE_JPEG
                || format == AV_PIX_FMT_YUVJ420P
                || format == AV_PIX_FMT_YUVJ422P
                || format == AV_PIX_FMT_YUVJ444P;
        int chromaShiftX;
        int chromaShiftY;
        switch (format) {
            case AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_NV12, AV_PIX_FMT_NV21, AV_PIX_FMT_YUV420P10LE -> {
                chromaShiftX = 1;
                chromaShiftY = 1;
            }
            case AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUV422P10LE -> {
                chromaShiftX = 1;
                chromaShiftY = 0;
            }
            case AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUV444P10LE, AV_PIX_FMT_GRAY8 -> {
                chromaShiftX = 0;
                chromaShiftY = 0;
            }
            default -> throw new UnsupportedFormatException("unsupported pixel format " + formatName(format));
        }
        chromaWidth = (width + (1 << chromaShiftX) - 1) >> chromaShiftX;
        chromaHeight = (height + (1 << chromaShiftY) - 1) >> chromaShiftY;
        if (luma.length != width * height) {
            luma = new byte[width * height];
        }
        if (cb.length != chromaWidth * chromaHeight) {
            cb = new byte[chromaWidth * chromaHeight];
            cr = new byte[chromaWidth * chromaHeight];
        }
        for (int p = 0; p < 3; p++) {
            if (p > 0 && format != AV_PIX_FMT_GRAY8 && frame.linesize(p) < 0 || frame.linesize(0) < 0) {
                throw new UnsupportedFormatException("negative linesize (bottom-up picture) in " + formatName(format));
            }
        }
        switch (format) {
            case AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_YUV422P10LE, AV_PIX_FMT_YUV444P10LE -> {
                copyWide(frame, 0, width, height, luma);
                copyWide(frame, 1, chromaWidth, chromaHeight, cb);
                copyWide(frame, 2, chromaWidth, chromaHeight, cr);
            }
            case AV_PIX_FMT_NV12, AV_PIX_FMT_NV21 -> {
                copy8(frame, 0, width, height, luma);
                boolean uFirst = format == AV_PIX_FMT_NV12;
                copyInterleaved(frame, uFirst ? cb : cr, uFirst ? cr : cb);
            }
            case AV_PIX_FMT_GRAY8 -> {
                copy8(frame, 0, width, height, luma);
                Arrays.fill(cb, (byte) 128);
                Arrays.fill(cr, (byte) 128);
            }
            default -> {
                copy8(frame, 0, width, height, luma);
                copy8(frame, 1, chromaWidth, chromaHeight, cb);
                copy8(frame, 2, chromaWidth, chromaHeight, cr);
            }
        }
    }

    private static ByteBuffer plane(AVFrame frame, int plane, int rows) {
        long size = (long) frame.linesize(plane) * rows;
        return frame.data(plane).capacity(size).asByteBuffer();
    }

    private static void copy8(AVFrame frame, int plane, int w, int h, byte[] out) {
        ByteBuffer src = plane(frame, plane, h);
        int stride = frame.linesize(plane);
        if (stride == w) {
            src.get(0, out, 0, w * h);
            return;
        }
        for (int y = 0; y < h; y++) {
            src.get(y * stride, out, y * w, w);
        }
    }

    private void copyWide(AVFrame frame, int plane, int w, int h, byte[] out) {
        ShortBuffer src = plane(frame, plane, h).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        int strideShorts = frame.linesize(plane) / 2;
        if (wideRow.length < w) {
            wideRow = new short[w];
        }
        for (int y = 0; y < h; y++) {
            src.get(y * strideShorts, wideRow, 0, w);
            int o = y * w;
            for (int x = 0; x < w; x++) {
                out[o + x] = (byte) Math.min(255, (wideRow[x] & 0x3FF) >> 2);
            }
        }
    }

    private void copyInterleaved(AVFrame frame, byte[] first, byte[] second) {
        ByteBuffer src = plane(frame, 1, chromaHeight);
        int stride = frame.linesize(1);
        int rowBytes = chromaWidth * 2;
        if (interleavedRow.length < rowBytes) {
            interleavedRow = new byte[rowBytes];
        }
        for (int y = 0; y < chromaHeight; y++) {
            src.get(y * stride, interleavedRow, 0, rowBytes);
            int o = y * chromaWidth;
            for (int x = 0; x < chromaWidth; x++) {
                first[o + x] = interleavedRow[2 * x];
                second[o + x] = interleavedRow[2 * x + 1];
            }
        }
    }
}
