/**
 * What every stage of the job shares, and nothing else: the element that runs through the chain
 * ({@link io.avmon.job.core.MediaEvent}) and what it carries (its stream's
 * {@link io.avmon.job.core.DetectionProfile}, the detectors' verdicts, or a {@link io.avmon.job.core.DeadLetter}),
 * the thresholds abstraction detectors declare theirs with, and the side output defects leave on.
 *
 * <p>It depends on no other package of the job, so every package can depend on it without a cycle: detectors,
 * the lifecycle, the profile reader, health and the Kafka adapters all read these types, and only the packages
 * above them (the topology, the job) wire them together.
 */
package io.avmon.job.core;
