package io.nstrace.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One node's recording: {@code nstrace record ...} exec'd in the node's agent pod through the API server, its
 * stdout (the trace.dat) read by the recording's own thread and written to {@code file} as the frames arrive
 * (fabric8 holds at most about 32 KiB of it; never the whole trace), until that stream ends, so the file is
 * complete when {@link #run} returns; its stderr kept (bounded). {@link #stop} writes a line to the remote stdin: the remote record stops tracing, writes what it
 * recorded and exits, and the file is complete.
 */
final class NodeRecording {
    /** How long a stopped or finished recording may take to send its trace.dat before it counts as failed. */
    static final Duration FINISH = Duration.ofMinutes(10);
    private static final int STDERR_LIMIT = 64 * 1024;

    private final KubeApi api;
    private final AgentPods.Agent agent;
    private final List<PodContainer> containers;
    private final List<String> command;
    private final Path file;
    private final Duration duration;
    /** Why the exec failed, as fabric8's listener told it (a refused upgrade, a broken stream). */
    private final AtomicReference<String> execFailure = new AtomicReference<>();
    private final AtomicBoolean stopSent = new AtomicBoolean();
    private volatile ExecWatch watch;
    private volatile boolean stopRequested;

    NodeRecording(KubeApi api, AgentPods.Agent agent, List<PodContainer> containers, List<String> command, Path file,
                  Duration duration) {
        this.api = api;
        this.agent = agent;
        this.containers = containers;
        this.command = command;
        this.file = file;
        this.duration = duration;
    }

    /** Runs the recording to its end (-d, {@link #stop}, or a failure) and says what it came to. */
    NodeResult run() {
        CountingStream err = new CountingStream(new BoundedBuffer(STDERR_LIMIT));
        CountingStream out;
        try {
            out = new CountingStream(Files.newOutputStream(file));
        } catch (IOException e) {
            return result(null, 0, "cannot write " + file + ": " + KubeApi.rootMessage(e), err);
        }
        String failure;
        try (out) {
            failure = exec(out, err);
        } catch (IOException e) {
            failure = "cannot write " + file + ": " + KubeApi.rootMessage(e);
        }
        return result(file, out.count.get(), failure, err);
    }

    /**
     * Execs the recording and copies its stdout to {@code out} on this thread until the stream itself ends: the
     * file is complete when this returns, whatever order fabric8 reports the exit status and the close in.
     */
    private String exec(OutputStream out, CountingStream err) throws IOException {
        ExecWatch w;
        try {
            w = api.client().pods().inNamespace(agent.namespace()).withName(agent.pod())
                    .inContainer(AgentPods.CONTAINER).withReadyWaitTimeout(0)
                    .redirectingInput().redirectingOutput().writingError(err).usingListener(new ExecListener() {
                        @Override
                        public void onFailure(Throwable t, Response response) {
                            int code = response == null ? 0 : response.code();
                            execFailure.compareAndSet(null, code == 403
                                    ? api.failure(new KubernetesClientException("forbidden", 403, null), "create",
                                    "pods/exec", agent.namespace()).getMessage()
                                    : "exec in agent pod " + agent.pod() + " failed"
                                    + (code > 0 ? " (" + code + ")" : "") + ": " + KubeApi.rootMessage(t));
                        }

                        @Override
                        public void onClose(int code, String reason) {
                            // the end of stdout tells it: the copy below ends there
                        }
                    }).exec(command.toArray(String[]::new));
        } catch (KubernetesClientException e) {
            return api.failure(e, "create", "pods/exec", agent.namespace()).getMessage();
        }
        watch = w;
        if (stopRequested) {
            sendStop();
        }
        long limit = (duration == null ? 0 : duration.toMillis()) + FINISH.toMillis();
        AtomicBoolean timedOut = new AtomicBoolean();
        InputStream stdout = w.getOutput();
        // past the limit the stream is closed under the reader, which then fails
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            timedOut.set(true);
            try {
                stdout.close();
            } catch (IOException e) {
                // closing fabric8's in-memory stream does not fail
            }
        }, CompletableFuture.delayedExecutor(limit, TimeUnit.MILLISECONDS));
        try (w) {
            IOException readFailure = copy(stdout, out);
            watchdog.cancel(false);
            if (timedOut.get()) {
                return "agent pod " + agent.pod() + " did not finish within " + limit / 1000 + " s";
            }
            if (Thread.currentThread().isInterrupted()) {
                return "interrupted while recording";
            }
            Integer code = w.exitCode().get(5, TimeUnit.SECONDS);
            if (execFailure.get() != null) {
                return execFailure.get();
            }
            if (code == null) {
                return readFailure == null ? null : "agent pod " + agent.pod() + ": " + KubeApi.rootMessage(readFailure);
            }
            return code == 0 ? null : "nstrace record in agent pod " + agent.pod() + " exited " + code
                    + lastLine(err);
        } catch (TimeoutException e) {
            return "agent pod " + agent.pod() + " sent no exit status";
        } catch (ExecutionException e) {
            return execFailure.get() != null ? execFailure.get()
                    : "agent pod " + agent.pod() + ": " + KubeApi.rootMessage(e) + lastLine(err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while recording";
        } finally {
            watchdog.cancel(false);
        }
    }

    /**
     * Copies {@code stdout} to {@code out} until its end; a failure reading it (the exec failed, exited non-zero
     * after sending everything, or was closed by the watchdog) is returned, one writing {@code out} thrown.
     */
    private static IOException copy(InputStream stdout, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (true) {
            int n;
            try {
                n = stdout.read(buf);
            } catch (IOException e) {
                return e;
            }
            if (n < 0) {
                return null;
            }
            out.write(buf, 0, n);
        }
    }

    /** Asks the remote recording to stop and send what it has: one line on its stdin, once. */
    void stop() {
        stopRequested = true;
        sendStop();
    }

    private void sendStop() {
        ExecWatch w = watch;
        if (w == null || !stopSent.compareAndSet(false, true)) {
            return;
        }
        try {
            OutputStream in = w.getInput();
            in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException | KubernetesClientException e) {
            // the stream is gone: the remote stdin closed, which stops the recording too
        }
    }

    private NodeResult result(Path written, long bytes, String failure, CountingStream err) {
        List<String> lines = ((BoundedBuffer) err.out).text().lines().filter(l -> !l.isBlank()).toList();
        return new NodeResult(agent.node(), agent.pod(), containers, written, bytes, failure, lines, stopSent.get());
    }

    private static String lastLine(CountingStream err) {
        List<String> lines = ((BoundedBuffer) err.out).text().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : ": " + lines.getLast();
    }

    /** Counts what passes through. */
    private static final class CountingStream extends OutputStream {
        final OutputStream out;
        final AtomicLong count = new AtomicLong();

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count.addAndGet(len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** The first {@code limit} bytes written to it. */
    private static final class BoundedBuffer extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;

        BoundedBuffer(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < limit) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, Math.min(len, Math.max(0, limit - bytes.size())));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
