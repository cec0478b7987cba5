package io.avmon.converter;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LumaRowStatistics} with the Vector API (JDK 17's incubator module): as many samples a step as the CPU's
 * widest vector holds (64 with AVX-512). Loaded by name only, when the module is present. Unsigned bytes are
 * compared as signed ones with their top bit flipped, since the Vector API of JDK 17 has no unsigned min, max or
 * compare; the squares and differences are widened by reinterpreting the bytes as wider lanes and masking, since
 * its byte-to-int conversions are slow or fail there.
 */
final class VectorLumaRowStatistics extends LumaRowStatistics {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final byte SIGN = (byte) 0x80;
    /**
     * Steps summed in the 16-bit difference lanes before they are added up: each step adds at most 2 x 255 to a lane,
     * and 128 steps stay below 65,536 (the int lanes of squares take far more).
     */
    private static final int STEPS_PER_FLUSH = 128;

    @Override
    String kernel() {
        return "Vector API, " + BYTES.vectorBitSize() + " bits";
    }

    @Override
    void add(byte[] current, byte[] previous, int from, int to, int blackThreshold) {
        int step = BYTES.length();
        int vectorEnd = from + BYTES.loopBound(to - from);
        byte biasedThreshold = (byte) (blackThreshold ^ 0x80);
        int lowest = min;
        int highest = max;
        long squares = 0;
        long difference = 0;
        int blackSamples = 0;
        int i = from;
        while (i < vectorEnd) {
            int flushAt = Math.min(vectorEnd, i + STEPS_PER_FLUSH * step);
            // Every vector lives within one flush: JDK 17's C2 boxes a vector carried across the outer loop, and
            // then runs min and max lane by lane in Java, allocating on every step (6 MB a 1080p frame, measured).
            ByteVector low = ByteVector.broadcast(BYTES, Byte.MAX_VALUE);
            ByteVector high = ByteVector.broadcast(BYTES, Byte.MIN_VALUE);
            IntVector squareLanes = IntVector.zero(INTS);
            ShortVector differenceLanes = ShortVector.zero(SHORTS);
            for (; i < flushAt; i += step) {
                ByteVector samples = ByteVector.fromArray(BYTES, current, i);
                ByteVector biased = samples.lanewise(VectorOperators.XOR, SIGN);
                ByteVector before = ByteVector.fromArray(BYTES, previous, i).lanewise(VectorOperators.XOR, SIGN);
                low = low.min(biased);
                high = high.max(biased);
                blackSamples +=
                        biased.compare(VectorOperators.LE, biasedThreshold).trueCount();
                // |a - b| of unsigned bytes: max - min, which wraps into the right unsigned byte.
                ShortVector absolute =
                        biased.max(before).sub(biased.min(before)).reinterpretAsShorts();
                differenceLanes =
                        differenceLanes.add(absolute.and((short) 0xFF)).add(absolute.lanewise(VectorOperators.LSHR, 8));
                IntVector words = samples.reinterpretAsInts();
                IntVector b0 = words.and(0xFF);
                IntVector b1 = words.lanewise(VectorOperators.LSHR, 8).and(0xFF);
                IntVector b2 = words.lanewise(VectorOperators.LSHR, 16).and(0xFF);
                IntVector b3 = words.lanewise(VectorOperators.LSHR, 24);
                squareLanes = squareLanes
                        .add(b0.mul(b0))
                        .add(b1.mul(b1))
                        .add(b2.mul(b2))
                        .add(b3.mul(b3));
            }
            squares += squareLanes.reduceLanesToLong(VectorOperators.ADD);
            IntVector pairs = differenceLanes.reinterpretAsInts();
            difference += pairs.and(0xFFFF).reduceLanesToLong(VectorOperators.ADD)
                    + pairs.lanewise(VectorOperators.LSHR, 16).reduceLanesToLong(VectorOperators.ADD);
            lowest = Math.min(lowest, (low.reduceLanes(VectorOperators.MIN) ^ SIGN) & 0xFF);
            highest = Math.max(highest, (high.reduceLanes(VectorOperators.MAX) ^ SIGN) & 0xFF);
        }
        sumSquares += squares;
        differenceSum += difference;
        min = lowest;
        max = highest;
        black += blackSamples;
        super.add(current, previous, vectorEnd, to, blackThreshold);
    }
}
