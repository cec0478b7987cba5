package io.avmon.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A Flink session cluster in a JVM of its own, started by {@link FlinkRunSubmissionTest} on a classpath holding
 * only Flink's runtime jars. Prints "READY" once its REST endpoint accepts jobs, and stops when stdin closes.
 */
public final class LocalFlinkCluster {

    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, Integer.parseInt(args[0]));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build())) {
            cluster.start();
            System.out.println("READY " + cluster.getRestAddress().get());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Keep running until the test closes our stdin.
            }
        }
    }
}
