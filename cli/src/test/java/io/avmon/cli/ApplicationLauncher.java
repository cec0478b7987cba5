package io.avmon.cli;

import io.avmon.job.AvmonJob;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the production {@link AvmonJob#main} in a JVM of its own, the way an application-mode deployment runs it:
 * the deployment's Flink settings reach the job's environment from outside its code. Settings are given as
 * system properties prefixed {@code flink.}, e.g. {@code -Dflink.execution.state-recovery.path=.../chk-7}, which
 * is how a crashed deployment is brought back from its retained checkpoint. Arguments go to {@code AvmonJob}.
 */
public final class ApplicationLauncher {

    private static final String PREFIX = "flink.";

    private ApplicationLauncher() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(PREFIX))
                .forEach(name -> settings.put(name.substring(PREFIX.length()), System.getProperty(name)));
        DeploymentEnvironment.install(Configuration.fromMap(settings));
        AvmonJob.main(args);
    }

    /** Only a subclass may set the context environment that {@code getExecutionEnvironment()} returns. */
    private abstract static class DeploymentEnvironment extends StreamExecutionEnvironment {
        static void install(Configuration deployment) {
            initializeContextEnvironment(jobSettings -> {
                Configuration merged = new Configuration(deployment);
                merged.addAll(jobSettings);
                // What createLocalEnvironment sets up, which refuses to run under a context environment.
                merged.set(DeploymentOptions.TARGET, "local");
                merged.set(DeploymentOptions.ATTACHED, true);
                return new StreamExecutionEnvironment(merged);
            });
        }
    }
}
