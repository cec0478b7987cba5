package io.avmon.benchmarks.soak;

import java.util.Locale;

/**
 * One look at the job during the soak.
 *
 * @param elapsedS           since the churn started
 * @param churning           false once the generator has stopped and every channel has vanished (the drain)
 * @param liveStreams        channels sending records at that moment
 * @param sessionsStarted    sessions begun so far
 * @param writtenPerS        feature records the generator wrote per second since the last sample
 * @param committedPerS      feature records the job committed (read and checkpointed) per second since then
 * @param lagRecords         records written but not yet committed by the job; it commits on each 10 s checkpoint
 * @param heapAfterGcMib     the job JVM's heap used right after a full GC
 * @param rssMib             the job JVM's resident memory
 * @param checkpointId       the last completed checkpoint
 * @param checkpointBytes    its size: the job's whole state, keyed state of every stream it still holds included
 * @param jobCpuShare        the job JVM's CPU time per wall second since the last sample (1.0 = one core)
 */
record SoakSample(
        double elapsedS,
        boolean churning,
        int liveStreams,
        long sessionsStarted,
        double writtenPerS,
        double committedPerS,
        long lagRecords,
        double heapAfterGcMib,
        double rssMib,
        long checkpointId,
        long checkpointBytes,
        double jobCpuShare) {

    static final String CSV_HEADER = "elapsed_s,phase,live_streams,sessions_started,written_records_per_s,"
            + "committed_records_per_s,consumer_lag_records,heap_after_gc_mib,rss_mib,checkpoint_id,"
            + "checkpoint_bytes,job_cpu_cores";

    String csv() {
        return String.format(
                Locale.ROOT,
                "%.1f,%s,%d,%d,%.0f,%.0f,%d,%.1f,%.1f,%d,%d,%.2f",
                elapsedS,
                churning ? "churn" : "drain",
                liveStreams,
                sessionsStarted,
                writtenPerS,
                committedPerS,
                lagRecords,
                heapAfterGcMib,
                rssMib,
                checkpointId,
                checkpointBytes,
                jobCpuShare);
    }
}
