package io.mappedjournal;

import io.mappedjournal.metrics.JournalMXBean;
import io.mappedjournal.metrics.MetricsSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/** Registers a {@link JournalMXBean} on the platform MBean server; a failure is logged, never fatal. */
final class JmxRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JmxRegistration.class);
    private final ObjectName name;

    private JmxRegistration(ObjectName name) {
        this.name = name;
    }

    /** The name a journal in {@code directory} is registered under. */
    static ObjectName nameFor(String directory) {
        try {
            return new ObjectName("io.mappedjournal:type=Journal,name=" + ObjectName.quote(directory));
        } catch (JMException e) {
            throw new IllegalArgumentException("cannot make a JMX name for directory=" + directory, e);
        }
    }

    static JmxRegistration register(String directory, Supplier<MetricsSnapshot> metrics,
                                           Supplier<String> health, Supplier<String> reasons) {
        final ObjectName name = nameFor(directory);
        final JournalMXBean bean = new Bean(directory, metrics, health, reasons);
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // a journal of a previous open that was never closed
            }
            server.registerMBean(bean, name);
            return new JmxRegistration(name);
        } catch (JMException e) {
            LOG.warn("could not register JMX bean {}: {}", name, e.toString());
            return new JmxRegistration(null);
        }
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOG.warn("could not unregister JMX bean {}: {}", name, e.toString());
        }
    }

    private static final class Bean implements JournalMXBean {
        private final String directory;
        private final Supplier<MetricsSnapshot> metrics;
        private final Supplier<String> health;
        private final Supplier<String> reasons;

        Bean(String directory, Supplier<MetricsSnapshot> metrics, Supplier<String> health, Supplier<String> reasons) {
            this.directory = directory;
            this.metrics = metrics;
            this.health = health;
            this.reasons = reasons;
        }

        private MetricsSnapshot m() {
            return metrics.get();
        }

        @Override public String getDirectory() { return directory; }
        @Override public String getHealth() { return health.get(); }
        @Override public String getHealthReasons() { return reasons.get(); }
        @Override public long getAppended() { return m().appended(); }
        @Override public long getAppendedBytes() { return m().appendedBytes(); }
        @Override public long getDropped() { return m().dropped(); }
        @Override public long getRejected() { return m().rejected(); }
        @Override public long getAttempted() { return m().attempted(); }
        @Override public double getBlockedSeconds() { return m().blockedNanos() / 1e9; }
        @Override public long getStagingUsedBytes() { return m().stagingUsedBytes(); }
        @Override public long getStagingBoundBytes() { return m().stagingBoundBytes(); }
        @Override public int getWritersInUse() { return m().writersInUse(); }
        @Override public long getSyncs() { return m().syncs(); }
        @Override public double getRecordsPerSync() { return m().recordsPerSync(); }
        @Override public double getSyncLatencyP99Seconds() { return m().syncLatencyNanos().getValueAtPercentile(99) / 1e9; }
        @Override public long getSlowSyncs() { return m().slowSyncs(); }
        @Override public long getWrittenSequence() { return m().writtenSequence(); }
        @Override public long getDurableSequence() { return m().durableSequence(); }
        @Override public long getDurableLagRecords() { return m().durableLagRecords(); }
        @Override public long getRolls() { return m().rolls(); }
        @Override public double getRollWaitSeconds() { return m().rollWaitNanos() / 1e9; }
        @Override public double getSealWaitSeconds() { return m().sealWaitNanos() / 1e9; }
        @Override public long getErrors() { return m().errors(); }
    }
}
