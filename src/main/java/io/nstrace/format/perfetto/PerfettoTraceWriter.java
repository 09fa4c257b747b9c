package io.nstrace.format.perfetto;

import com.google.protobuf.CodedOutputStream;
import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Streams a Perfetto {@code Trace} (protos/perfetto/trace/trace.proto): a sequence of {@code TracePacket}s, each
 * written as soon as it is complete. Events are gathered per CPU into an {@code FtraceEventBundle} that is written
 * once it holds {@link #BUNDLE_BYTES}, so memory stays flat in the length of the trace. Every packet belongs to
 * one packet sequence ({@link #SEQUENCE_ID}). Field numbers are those of Perfetto's published .proto files; the
 * subset nstrace writes is src/main/proto/perfetto_trace.proto.
 */
public final class PerfettoTraceWriter {
    /** A bundle is written once its events take this many bytes. */
    static final int BUNDLE_BYTES = 32 * 1024;
    static final int SEQUENCE_ID = 1;

    // Trace
    private static final int TRACE_PACKET = 1;
    // TracePacket
    private static final int PACKET_FTRACE_EVENTS = 1;
    private static final int PACKET_PROCESS_TREE = 2;
    private static final int PACKET_CLOCK_SNAPSHOT = 6;
    private static final int PACKET_TIMESTAMP = 8;
    private static final int PACKET_SEQUENCE_ID = 10;
    private static final int PACKET_INTERNED_DATA = 12;
    private static final int PACKET_SEQUENCE_FLAGS = 13;
    /** TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED: interned data starts afresh (first packet). */
    private static final int SEQ_INCREMENTAL_STATE_CLEARED = 1;
    // InternedData, InternedString
    private static final int INTERNED_KERNEL_SYMBOLS = 26;
    private static final int INTERNED_IID = 1;
    private static final int INTERNED_STR = 2;
    private static final int PACKET_FTRACE_STATS = 34;
    private static final int PACKET_SYSTEM_INFO = 45;
    // FtraceEventBundle
    private static final int BUNDLE_CPU = 1;
    private static final int BUNDLE_EVENT = 2;
    private static final int BUNDLE_LOST_EVENTS = 3;
    private static final int BUNDLE_FTRACE_CLOCK = 5;
    /** FtraceClock.FTRACE_CLOCK_MONO_RAW; unset means the boot clock. */
    private static final int FTRACE_CLOCK_MONO_RAW = 4;
    // ProcessTree, .Process, .Thread
    private static final int TREE_PROCESSES = 1;
    private static final int TREE_THREADS = 2;
    private static final int PROCESS_PID = 1;
    private static final int PROCESS_PPID = 2;
    private static final int PROCESS_CMDLINE = 3;
    private static final int PROCESS_NSPID = 6;
    private static final int THREAD_TID = 1;
    private static final int THREAD_NAME = 2;
    private static final int THREAD_TGID = 3;
    private static final int THREAD_NSTID = 4;
    // ClockSnapshot, .Clock; BuiltinClock
    private static final int SNAPSHOT_CLOCKS = 1;
    private static final int SNAPSHOT_PRIMARY_CLOCK = 2;
    private static final int CLOCK_ID = 1;
    private static final int CLOCK_TIMESTAMP = 2;
    static final int CLOCK_REALTIME = 1;
    static final int CLOCK_MONOTONIC_RAW = 5;
    static final int CLOCK_BOOTTIME = 6;
    // SystemInfo, Utsname
    private static final int INFO_UTSNAME = 1;
    private static final int INFO_SERVICE_VERSION = 4;
    private static final int INFO_PAGE_SIZE = 6;
    private static final int INFO_NUM_CPUS = 8;
    private static final int UTS_SYSNAME = 1;
    private static final int UTS_VERSION = 2;
    private static final int UTS_RELEASE = 3;
    private static final int UTS_MACHINE = 4;
    // FtraceStats, FtraceCpuStats
    private static final int STATS_PHASE = 1;
    private static final int STATS_CPU_STATS = 2;
    private static final int PHASE_END_OF_TRACE = 2;
    private static final int CPU_STATS_CPU = 1;
    private static final int CPU_STATS_OVERRUN = 3;
    private static final int CPU_STATS_DROPPED = 8;

    /** Java's names of architectures (nstrace's uname ends in os.arch) as {@code uname -m} gives them. */
    private static final Map<String, String> MACHINES = Map.of("amd64", "x86_64", "x86", "i686", "i386", "i686");

    /**
     * A task as Perfetto's process list shows it: {@code tgid == tid} makes it a process of its own (named by
     * {@code cmdline}), else a thread of process {@code tgid}.
     *
     * @param nspid the task's PIDs inside nested PID namespaces, the host's left out (empty on the host)
     */
    public record Task(int tid, int tgid, int ppid, String cmdline, String threadName, List<Integer> nspid) {
        public Task {
            nspid = List.copyOf(nspid);
        }
    }

    /** One CPU's losses for the end-of-trace ftrace stats. */
    public record CpuLoss(int cpu, long overrun, long dropped) {
    }

    private final CodedOutputStream out;
    private final boolean monoRaw;
    private final LongFunction<String> symbols;
    /** Kernel addresses whose symbol this sequence has interned (a few thousand functions at most). */
    private final Set<Long> interned = new HashSet<>();
    private final ProtoBuffer packet = new ProtoBuffer();
    private final ProtoBuffer inner = new ProtoBuffer();
    private final ProtoBuffer item = new ProtoBuffer();
    private final ProtoBuffer event = new ProtoBuffer();
    private final FtraceEvents events = new FtraceEvents();
    private final Map<Integer, ProtoBuffer> bundles = new TreeMap<>();
    private final Set<Integer> lostBefore = new TreeSet<>();
    private long packets;

    /**
     * @param monoRaw whether the event timestamps are the raw monotonic clock (trace clock {@code mono_raw});
     *                otherwise they are given as Perfetto's default, the boot clock
     * @param symbols the kernel symbol at an address, null when unknown: function-graph events get their function
     *                names (interned as Perfetto's kernel symbols, keyed by the address itself), function-tracer
     *                events the names beside the addresses
     */
    public PerfettoTraceWriter(OutputStream out, boolean monoRaw, LongFunction<String> symbols) {
        this.out = CodedOutputStream.newInstance(out, 1 << 16);
        this.monoRaw = monoRaw;
        this.symbols = symbols;
    }

    /**
     * The kernel that was traced: {@code uname} as trace.dat keeps it ("sysname node release version machine").
     * Perfetto picks its syscall table by the machine, which it knows as {@code uname -m} names it.
     */
    public void systemInfo(String uname, int cpus, int pageSize, String tool) throws IOException {
        startPacket(null);
        inner.reset();
        CodedOutputStream o = inner.out();
        String[] u = uname == null ? new String[0] : uname.strip().split("\\s+");
        if (u.length > 0 && !u[0].isEmpty()) {
            item.reset();
            item.out().writeString(UTS_SYSNAME, u[0]);
            if (u.length >= 5) {
                item.out().writeString(UTS_RELEASE, u[2]);
                item.out().writeString(UTS_VERSION, String.join(" ", List.of(u).subList(3, u.length - 1)));
                item.out().writeString(UTS_MACHINE, MACHINES.getOrDefault(u[u.length - 1], u[u.length - 1]));
            }
            item.writeAsField(o, INFO_UTSNAME);
        }
        o.writeString(INFO_SERVICE_VERSION, tool);
        o.writeUInt32(INFO_PAGE_SIZE, pageSize);
        o.writeUInt32(INFO_NUM_CPUS, cpus);
        inner.writeAsField(packet.out(), PACKET_SYSTEM_INFO);
        endPacket();
    }

    /**
     * The clocks at one instant: the trace clock's {@code traceNs} and, when known, the wall clock then
     * ({@code realtimeNs}), so the UI can show wall-clock times; the trace clock is the primary one.
     */
    public void clockSnapshot(long traceNs, Long realtimeNs) throws IOException {
        startPacket(traceNs);
        inner.reset();
        int traceClock = monoRaw ? CLOCK_MONOTONIC_RAW : CLOCK_BOOTTIME;
        clock(traceClock, traceNs);
        if (realtimeNs != null) {
            clock(CLOCK_REALTIME, realtimeNs);
        }
        inner.out().writeEnum(SNAPSHOT_PRIMARY_CLOCK, traceClock);
        inner.writeAsField(packet.out(), PACKET_CLOCK_SNAPSHOT);
        endPacket();
    }

    private void clock(int id, long ns) throws IOException {
        item.reset();
        item.out().writeUInt32(CLOCK_ID, id);
        item.out().writeUInt64(CLOCK_TIMESTAMP, ns);
        item.writeAsField(inner.out(), SNAPSHOT_CLOCKS);
    }

    /** Names {@code tasks} from {@code timestamp} on (null: no timestamp, for the tasks known from the start). */
    public void processTree(Long timestamp, List<Task> tasks) throws IOException {
        if (tasks.isEmpty()) {
            return;
        }
        startPacket(timestamp);
        inner.reset();
        CodedOutputStream o = inner.out();
        for (Task t : tasks) {
            if (t.tgid() == t.tid()) {
                item.reset();
                item.out().writeInt32(PROCESS_PID, t.tid());
                item.out().writeInt32(PROCESS_PPID, t.ppid());
                item.out().writeString(PROCESS_CMDLINE, t.cmdline());
                for (int p : t.nspid()) {
                    item.out().writeInt32(PROCESS_NSPID, p);
                }
                item.writeAsField(o, TREE_PROCESSES);
            }
        }
        for (Task t : tasks) {
            item.reset();
            item.out().writeInt32(THREAD_TID, t.tid());
            item.out().writeString(THREAD_NAME, t.threadName());
            item.out().writeInt32(THREAD_TGID, t.tgid());
            for (int p : t.nspid()) {
                item.out().writeInt32(THREAD_NSTID, p);
            }
            item.writeAsField(o, TREE_THREADS);
        }
        inner.writeAsField(packet.out(), PACKET_PROCESS_TREE);
        endPacket();
    }

    /** Adds event {@code e} (recorded on {@code e.cpu()}) to its CPU's bundle, written when full. */
    public void event(TraceEvent e, long timestamp) throws IOException {
        ProtoBuffer b = bundle(e.cpu());
        int kind = events.encode(e, timestamp, event, symbols);
        if (kind == FtraceEvents.FUNCGRAPH_ENTRY || kind == FtraceEvents.FUNCGRAPH_EXIT) {
            intern(e.fields().get("func"));
        }
        event.writeAsField(b.out(), BUNDLE_EVENT);
        if (b.size() >= BUNDLE_BYTES) {
            writeBundle(e.cpu());
        }
    }

    /** Interns the symbol of function address {@code func} (before the bundle that uses it is written). */
    private void intern(Object func) throws IOException {
        long address = EventDecoder.asLong(func);
        if (func == null || interned.contains(address)) {
            return;
        }
        interned.add(address);
        String name = symbols.apply(address);
        if (name == null) {
            return; // Perfetto shows the address
        }
        startPacket(null);
        inner.reset();
        item.reset();
        item.out().writeUInt64(INTERNED_IID, address);
        item.out().writeByteArray(INTERNED_STR, name.getBytes(StandardCharsets.UTF_8));
        item.writeAsField(inner.out(), INTERNED_KERNEL_SYMBOLS);
        inner.writeAsField(packet.out(), PACKET_INTERNED_DATA);
        endPacket();
    }

    /** Events were lost on {@code cpu} here: its next bundle says so ({@code lost_events}). */
    public void lost(int cpu) throws IOException {
        writeBundle(cpu);
        lostBefore.add(cpu);
    }

    /** The losses per CPU, as Perfetto's end-of-trace ftrace stats. */
    public void ftraceStats(List<CpuLoss> cpus) throws IOException {
        startPacket(null);
        inner.reset();
        inner.out().writeEnum(STATS_PHASE, PHASE_END_OF_TRACE);
        for (CpuLoss c : cpus) {
            item.reset();
            item.out().writeUInt64(CPU_STATS_CPU, c.cpu());
            item.out().writeUInt64(CPU_STATS_OVERRUN, c.overrun());
            item.out().writeUInt64(CPU_STATS_DROPPED, c.dropped());
            item.writeAsField(inner.out(), STATS_CPU_STATS);
        }
        inner.writeAsField(packet.out(), PACKET_FTRACE_STATS);
        endPacket();
    }

    /** Writes every CPU's last bundle (one without events for a loss no event followed) and flushes. */
    public void finish() throws IOException {
        for (int cpu : List.copyOf(lostBefore)) {
            bundle(cpu);
        }
        for (int cpu : bundles.keySet()) {
            writeBundle(cpu);
        }
        out.flush();
    }

    /** The open bundle of {@code cpu}, started (cpu, loss, clock) when it was empty. */
    private ProtoBuffer bundle(int cpu) throws IOException {
        ProtoBuffer b = bundles.computeIfAbsent(cpu, c -> new ProtoBuffer());
        if (b.size() == 0) {
            CodedOutputStream o = b.out();
            o.writeUInt32(BUNDLE_CPU, cpu);
            if (lostBefore.remove(cpu)) {
                o.writeBool(BUNDLE_LOST_EVENTS, true);
            }
            if (monoRaw) {
                o.writeEnum(BUNDLE_FTRACE_CLOCK, FTRACE_CLOCK_MONO_RAW);
            }
        }
        return b;
    }

    private void writeBundle(int cpu) throws IOException {
        ProtoBuffer b = bundles.get(cpu);
        if (b == null || b.size() == 0) {
            return;
        }
        startPacket(null);
        b.writeAsField(packet.out(), PACKET_FTRACE_EVENTS);
        endPacket();
        b.reset();
    }

    private void startPacket(Long timestamp) throws IOException {
        packet.reset();
        if (timestamp != null) {
            packet.out().writeUInt64(PACKET_TIMESTAMP, timestamp);
        }
        packet.out().writeUInt32(PACKET_SEQUENCE_ID, SEQUENCE_ID);
        if (packets == 0) {
            packet.out().writeUInt32(PACKET_SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
        }
    }

    private void endPacket() throws IOException {
        packet.writeAsField(out, TRACE_PACKET);
        packets++;
    }
}
