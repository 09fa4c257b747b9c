package io.nstrace.format.perfetto;

import com.google.protobuf.CodedOutputStream;
import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.FieldFormat;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * Encodes one event as a Perfetto {@code FtraceEvent}: the events Perfetto has a message for (the scheduler's,
 * raw syscalls, task creation and renames, {@code print}, the function-graph tracer's) as that message, every
 * other one as its {@code GenericFtraceEvent} with every non-common field. Field numbers are those of Perfetto's
 * protos/perfetto/trace/ftrace/ftrace_event.proto and the per-event .proto files it imports.
 */
final class FtraceEvents {
    // FtraceEvent
    static final int TIMESTAMP = 1;
    static final int PID = 2;
    static final int COMMON_FLAGS = 5;
    static final int PRINT = 3;
    static final int SCHED_SWITCH = 4;
    static final int SCHED_WAKEUP = 17;
    static final int SCHED_WAKING = 20;
    static final int SCHED_WAKEUP_NEW = 114;
    static final int TASK_NEWTASK = 235;
    static final int TASK_RENAME = 236;
    static final int SCHED_PROCESS_EXEC = 237;
    static final int SCHED_PROCESS_EXIT = 238;
    static final int SCHED_PROCESS_FORK = 239;
    static final int SCHED_PROCESS_FREE = 240;
    static final int GENERIC = 327;
    static final int SYS_ENTER = 329;
    static final int SYS_EXIT = 330;
    static final int FUNCGRAPH_ENTRY = 437;
    static final int FUNCGRAPH_EXIT = 438;
    // GenericFtraceEvent and its Field
    private static final int GENERIC_EVENT_NAME = 1;
    private static final int GENERIC_FIELD = 2;
    private static final int FIELD_NAME = 1;
    private static final int FIELD_STR = 3;
    private static final int FIELD_INT = 4;
    private static final int FIELD_UINT = 5;

    /** The function tracer's kernel text addresses, given with their symbol names. */
    private static final Set<String> ADDRESS_FIELDS = Set.of("ip", "parent_ip");

    private final ProtoBuffer payload = new ProtoBuffer();
    private final ProtoBuffer field = new ProtoBuffer();

    /**
     * Writes {@code e} (not a lost marker) at {@code timestamp} as a whole FtraceEvent into {@code event};
     * returns the FtraceEvent field it took. {@code symbols} names kernel addresses (null when unknown).
     */
    int encode(TraceEvent e, long timestamp, ProtoBuffer event, LongFunction<String> symbols) throws IOException {
        event.reset();
        payload.reset();
        CodedOutputStream o = event.out();
        o.writeUInt64(TIMESTAMP, timestamp);
        o.writeUInt32(PID, e.pid());
        Map<String, Object> f = e.fields();
        if (f.get("common_flags") != null) {
            o.writeUInt32(COMMON_FLAGS, (int) num(f, "common_flags"));
        }
        int kind = typed(e, payload.out());
        if (kind == GENERIC) {
            generic(e, payload.out(), symbols);
        }
        payload.writeAsField(o, kind);
        return kind;
    }

    /** The FtraceEvent field of {@code e}'s typed message, written to {@code p}; {@link #GENERIC} when none. */
    private static int typed(TraceEvent e, CodedOutputStream p) throws IOException {
        if (e.format() == null) {
            return GENERIC;
        }
        Map<String, Object> f = e.fields();
        switch (e.format().fullName()) {
            case "sched:sched_switch" -> {
                str(p, 1, f, "prev_comm");
                i32(p, 2, f, "prev_pid");
                i32(p, 3, f, "prev_prio");
                i64(p, 4, f, "prev_state");
                str(p, 5, f, "next_comm");
                i32(p, 6, f, "next_pid");
                i32(p, 7, f, "next_prio");
                return SCHED_SWITCH;
            }
            case "sched:sched_wakeup", "sched:sched_waking", "sched:sched_wakeup_new" -> {
                str(p, 1, f, "comm");
                i32(p, 2, f, "pid");
                i32(p, 3, f, "prio");
                i32(p, 4, f, "success");
                i32(p, 5, f, "target_cpu");
                return switch (e.format().name()) {
                    case "sched_wakeup" -> SCHED_WAKEUP;
                    case "sched_waking" -> SCHED_WAKING;
                    default -> SCHED_WAKEUP_NEW;
                };
            }
            case "sched:sched_process_exec" -> {
                str(p, 1, f, "filename");
                i32(p, 2, f, "pid");
                i32(p, 3, f, "old_pid");
                return SCHED_PROCESS_EXEC;
            }
            case "sched:sched_process_exit" -> {
                str(p, 1, f, "comm");
                i32(p, 2, f, "pid");
                i32(p, 3, f, "tgid");
                i32(p, 4, f, "prio");
                return SCHED_PROCESS_EXIT;
            }
            case "sched:sched_process_fork" -> {
                str(p, 1, f, "parent_comm");
                i32(p, 2, f, "parent_pid");
                str(p, 3, f, "child_comm");
                i32(p, 4, f, "child_pid");
                return SCHED_PROCESS_FORK;
            }
            case "sched:sched_process_free" -> {
                str(p, 1, f, "comm");
                i32(p, 2, f, "pid");
                i32(p, 3, f, "prio");
                return SCHED_PROCESS_FREE;
            }
            case "task:task_newtask" -> {
                i32(p, 1, f, "pid");
                str(p, 2, f, "comm");
                u64(p, 3, f, "clone_flags");
                i32(p, 4, f, "oom_score_adj");
                return TASK_NEWTASK;
            }
            case "task:task_rename" -> {
                i32(p, 1, f, "pid");
                str(p, 2, f, "oldcomm");
                str(p, 3, f, "newcomm");
                i32(p, 4, f, "oom_score_adj");
                return TASK_RENAME;
            }
            case "raw_syscalls:sys_enter" -> {
                i64(p, 1, f, "id");
                if (f.get("args") instanceof List<?> args) {
                    for (Object a : args) {
                        p.writeUInt64(2, EventDecoder.asLong(a)); // repeated, not packed (proto2)
                    }
                }
                return SYS_ENTER;
            }
            case "raw_syscalls:sys_exit" -> {
                i64(p, 1, f, "id");
                i64(p, 2, f, "ret");
                return SYS_EXIT;
            }
            case "ftrace:print" -> {
                u64(p, 1, f, "ip");
                str(p, 2, f, "buf");
                return PRINT;
            }
            case "ftrace:funcgraph_entry" -> {
                i32(p, 1, f, "depth");
                u64(p, 2, f, "func");
                return FUNCGRAPH_ENTRY;
            }
            case "ftrace:funcgraph_exit" -> {
                u64(p, 1, f, "calltime");
                i32(p, 2, f, "depth");
                u64(p, 3, f, "func");
                u64(p, 4, f, "overrun");
                u64(p, 5, f, "rettime");
                return FUNCGRAPH_EXIT;
            }
            default -> {
                return GENERIC;
            }
        }
    }

    /**
     * The generic event: the event's name (without its system, as Perfetto writes it) and its fields; in the
     * function tracer's events an address field ({@code ip}, {@code parent_ip}) holds the symbol name and
     * {@code NAME_addr} the address, as in nstrace's JSON (the address alone when the symbol is unknown).
     */
    private void generic(TraceEvent e, CodedOutputStream p, LongFunction<String> symbols) throws IOException {
        p.writeString(GENERIC_EVENT_NAME, e.format() == null ? e.eventName() : e.format().name());
        if (e.format() == null) {
            return;
        }
        for (FieldFormat ff : e.format().fields()) {
            Object v = e.fields().get(ff.name());
            if (v == null || ff.name().startsWith("common_")) {
                continue;
            }
            field.reset();
            CodedOutputStream fo = field.out();
            long address = EventDecoder.asLong(v); // kernel addresses above 2^63 are BigIntegers
            String symbol = v instanceof Number && ADDRESS_FIELDS.contains(ff.name())
                    && e.format().system().equals("ftrace") ? symbols.apply(address) : null;
            if (symbol != null) {
                fo.writeString(FIELD_NAME, ff.name());
                fo.writeString(FIELD_STR, symbol);
                field.writeAsField(p, GENERIC_FIELD);
                field.reset();
                fo.writeString(FIELD_NAME, ff.name() + "_addr");
                fo.writeUInt64(FIELD_UINT, address);
                field.writeAsField(p, GENERIC_FIELD);
                continue;
            }
            fo.writeString(FIELD_NAME, ff.name());
            switch (v) {
                case String s -> fo.writeString(FIELD_STR, s);
                case BigInteger b -> fo.writeUInt64(FIELD_UINT, b.longValue());
                case Long l when ff.signed() -> fo.writeInt64(FIELD_INT, l);
                case Long l -> fo.writeUInt64(FIELD_UINT, l);
                case List<?> list -> fo.writeString(FIELD_STR, list.stream().map(String::valueOf)
                        .collect(Collectors.joining(",", "[", "]")));
                default -> fo.writeString(FIELD_STR, String.valueOf(v));
            }
            field.writeAsField(p, GENERIC_FIELD);
        }
    }

    private static long num(Map<String, Object> f, String name) {
        return EventDecoder.asLong(f.get(name));
    }

    private static void str(CodedOutputStream p, int n, Map<String, Object> f, String name) throws IOException {
        if (f.get(name) instanceof String s) {
            p.writeString(n, s);
        }
    }

    private static void i32(CodedOutputStream p, int n, Map<String, Object> f, String name) throws IOException {
        if (f.get(name) != null) {
            p.writeInt32(n, (int) num(f, name));
        }
    }

    private static void i64(CodedOutputStream p, int n, Map<String, Object> f, String name) throws IOException {
        if (f.get(name) != null) {
            p.writeInt64(n, num(f, name));
        }
    }

    private static void u64(CodedOutputStream p, int n, Map<String, Object> f, String name) throws IOException {
        if (f.get(name) != null) {
            p.writeUInt64(n, num(f, name));
        }
    }
}
