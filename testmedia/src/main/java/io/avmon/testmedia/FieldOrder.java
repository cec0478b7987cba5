package io.avmon.testmedia;

/**
 * How a clip's pictures are scanned. Interlaced pictures carry two fields painted from instants half a frame apart,
 * as a camera's are, so motion combs when the fields are woven into one frame.
 */
public enum FieldOrder {
    PROGRESSIVE,
    /** Top field first (the even rows are the earlier field): 1080i and most HD. */
    TOP_FIRST,
    /** Bottom field first (the odd rows are the earlier field): 576i from DV and many SD sources. */
    BOTTOM_FIRST;

    public boolean isInterlaced() {
        return this != PROGRESSIVE;
    }

    /** The other order; a progressive clip stays progressive. */
    public FieldOrder swapped() {
        return switch (this) {
            case PROGRESSIVE -> PROGRESSIVE;
            case TOP_FIRST -> BOTTOM_FIRST;
            case BOTTOM_FIRST -> TOP_FIRST;
        };
    }
}
