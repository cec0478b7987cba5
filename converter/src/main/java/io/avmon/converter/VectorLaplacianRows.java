package io.avmon.converter;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LaplacianRows} with the Vector API: the responses of a vector's worth of samples at once, in 16-bit lanes
 * (they lie within +-4080), stored and then counted one by one. The bytes are widened by reinterpreting pairs of them
 * as 16-bit lanes, even samples masked and odd ones shifted down, so the vector holds the even samples' responses,
 * then the odd ones'. Loaded by name only, when the module is present.
 */
final class VectorLaplacianRows extends LaplacianRows {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;

    private short[] responses = new short[0];

    @Override
    void count(byte[] grid, int above, int row, int below, int width, int[] histogram) {
        int step = BYTES.length();
        int half = SHORTS.length();
        if (responses.length < width + step) {
            responses = new short[width + step];
        }
        short[] out = responses;
        int stored = 0;
        int x = 1;
        // Samples x .. x + step - 1 read columns x - 1 .. x + step: all inside the row while x + step < width.
        for (; x + step < width; x += step) {
            ShortVector responseEven = ShortVector.zero(SHORTS);
            ShortVector responseOdd = ShortVector.zero(SHORTS);
            for (int dx = -1; dx <= 1; dx++) {
                ShortVector a =
                        ByteVector.fromArray(BYTES, grid, above + x + dx).reinterpretAsShorts();
                ShortVector r = ByteVector.fromArray(BYTES, grid, row + x + dx).reinterpretAsShorts();
                ShortVector b =
                        ByteVector.fromArray(BYTES, grid, below + x + dx).reinterpretAsShorts();
                // The column pass (1 -2 1 down), for the even and the odd samples.
                ShortVector evenColumn = a.and((short) 0xFF)
                        .add(b.and((short) 0xFF))
                        .sub(r.and((short) 0xFF).lanewise(VectorOperators.LSHL, 1));
                ShortVector oddColumn = a.lanewise(VectorOperators.LSHR, 8)
                        .add(b.lanewise(VectorOperators.LSHR, 8))
                        .sub(r.lanewise(VectorOperators.LSHR, 8).lanewise(VectorOperators.LSHL, 1));
                // The row pass (1 -2 1 across).
                if (dx == 0) {
                    responseEven = responseEven.sub(evenColumn.lanewise(VectorOperators.LSHL, 1));
                    responseOdd = responseOdd.sub(oddColumn.lanewise(VectorOperators.LSHL, 1));
                } else {
                    responseEven = responseEven.add(evenColumn);
                    responseOdd = responseOdd.add(oddColumn);
                }
            }
            responseEven.lanewise(VectorOperators.ABS).intoArray(out, stored);
            responseOdd.lanewise(VectorOperators.ABS).intoArray(out, stored + half);
            stored += step;
        }
        for (int i = 0; i < stored; i++) {
            histogram[out[i]]++;
        }
        countFrom(x, grid, above, row, below, width, histogram);
    }
}
