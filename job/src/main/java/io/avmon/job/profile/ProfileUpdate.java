package io.avmon.job.profile;

/**
 * One record read from the control topic, as sent: a whole profile document in its value. A Flink POJO, so it
 * travels without Kryo; where it came from is kept so a rejected update can go to the dead-letter topic as is.
 */
public class ProfileUpdate {
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;

    public ProfileUpdate() {}

    public ProfileUpdate(String topic, int partition, long offset, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
    }

    @Override
    public String toString() {
        return "ProfileUpdate{" + topic + "/" + partition + "@" + offset + "}";
    }
}
