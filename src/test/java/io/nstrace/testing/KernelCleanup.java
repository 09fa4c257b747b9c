package io.nstrace.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Cleans up what a kernel test made, also when the test fails: register with
 * {@code @RegisterExtension final KernelCleanup cleanup = new KernelCleanup();}, then hand it each context,
 * manager, workload process or other step as it is made. After each test they are undone in reverse order
 * (processes killed with their descendants, closeables closed); every step runs even when an earlier one throws,
 * and the first failure is rethrown with the rest suppressed.
 */
public final class KernelCleanup implements AfterEachCallback {
    /** One cleanup step. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    /** Closes {@code resource} after the test; returns it. */
    public synchronized <T extends AutoCloseable> T close(T resource) {
        steps.push(resource::close);
        return resource;
    }

    /** Kills {@code process} and its descendants after the test; returns it. */
    public synchronized Process kill(Process process) {
        steps.push(() -> Workloads.kill(process));
        return process;
    }

    /** Runs {@code step} after the test. */
    public synchronized void then(Step step) {
        steps.push(step);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (true) {
            Step step;
            synchronized (this) {
                step = steps.poll();
            }
            if (step == null) {
                break;
            }
            try {
                step.run();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
