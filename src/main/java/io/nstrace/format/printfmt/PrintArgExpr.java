package io.nstrace.format.printfmt;

import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.FieldFormat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates one argument of an event's print fmt (the C expression after the format string) over decoded field
 * values: {@code REC->field}, array indexing, casts, arithmetic, bit and logic operators, the ternary, and
 * {@code __get_str}, {@code __get_dynamic_array}, {@code __print_flags}, {@code __print_symbolic}. Anything else
 * throws {@link Unsupported} so the caller can fall back to {@code field=value} pairs.
 */
final class PrintArgExpr {
    static final class Unsupported extends RuntimeException {
        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    private static final Set<String> TYPE_WORDS = Set.of("unsigned", "signed", "int", "long", "short", "char",
            "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16",
            "__s32", "__s64", "size_t", "ssize_t", "pid_t", "bool", "void", "const", "gfp_t", "loff_t", "umode_t");

    private final List<String> tokens;
    private final Map<String, Object> fields;
    private int pos;

    private PrintArgExpr(List<String> tokens, Map<String, Object> fields) {
        this.tokens = tokens;
        this.fields = fields;
    }

    static Object eval(String expr, Map<String, Object> fields) {
        PrintArgExpr e = new PrintArgExpr(tokenize(expr), fields);
        Object v = e.ternary();
        if (e.pos != e.tokens.size()) {
            throw new Unsupported("trailing tokens in " + expr);
        }
        return v;
    }

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(s.substring(i, Math.min(j + 1, s.length())));
                i = j + 1;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (Set.of("->", "<<", ">>", "&&", "||", "==", "!=", "<=", ">=").contains(two)) {
                    out.add(two);
                    i += 2;
                } else {
                    out.add(String.valueOf(c));
                    i++;
                }
            }
        }
        return out;
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : "";
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw new Unsupported("unexpected end");
        }
        return tokens.get(pos++);
    }

    private void expect(String t) {
        if (!next().equals(t)) {
            throw new Unsupported("expected " + t);
        }
    }

    private Object ternary() {
        Object cond = binary(0);
        if (!peek().equals("?")) {
            return cond;
        }
        next();
        Object a = ternary();
        expect(":");
        Object b = ternary();
        return truth(cond) ? a : b;
    }

    private static final List<Set<String>> LEVELS = List.of(Set.of("||"), Set.of("&&"), Set.of("|"), Set.of("^"),
            Set.of("&"), Set.of("==", "!="), Set.of("<", ">", "<=", ">="), Set.of("<<", ">>"), Set.of("+", "-"),
            Set.of("*", "/", "%"));

    private Object binary(int level) {
        if (level == LEVELS.size()) {
            return unary();
        }
        Object left = binary(level + 1);
        while (LEVELS.get(level).contains(peek())) {
            String op = next();
            Object right = binary(level + 1);
            left = apply(op, num(left), num(right));
        }
        return left;
    }

    private static Object apply(String op, long a, long b) {
        return switch (op) {
            case "||" -> a != 0 || b != 0 ? 1L : 0L;
            case "&&" -> a != 0 && b != 0 ? 1L : 0L;
            case "|" -> a | b;
            case "^" -> a ^ b;
            case "&" -> a & b;
            case "==" -> a == b ? 1L : 0L;
            case "!=" -> a != b ? 1L : 0L;
            case "<" -> a < b ? 1L : 0L;
            case ">" -> a > b ? 1L : 0L;
            case "<=" -> a <= b ? 1L : 0L;
            case ">=" -> a >= b ? 1L : 0L;
            case "<<" -> a << b;
            case ">>" -> a >>> b;
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> b == 0 ? 0L : a / b;
            default -> b == 0 ? 0L : a % b;
        };
    }

    private Object unary() {
        String t = peek();
        switch (t) {
            case "-" -> {
                next();
                return -num(unary());
            }
            case "!" -> {
                next();
                return truth(unary()) ? 0L : 1L;
            }
            case "~" -> {
                next();
                return ~num(unary());
            }
            case "(" -> {
                if (isCast()) {
                    return cast();
                }
                next();
                Object v = ternary();
                expect(")");
                return postfix(v);
            }
            default -> {
                return postfix(primary());
            }
        }
    }

    private boolean isCast() {
        int i = pos + 1;
        boolean any = false;
        while (i < tokens.size() && (TYPE_WORDS.contains(tokens.get(i)) || tokens.get(i).equals("*")
                || tokens.get(i).equals("struct") || i > 0 && tokens.get(i - 1).equals("struct"))) {
            any = true;
            i++;
        }
        return any && i < tokens.size() && tokens.get(i).equals(")");
    }

    private Object cast() {
        expect("(");
        StringBuilder type = new StringBuilder();
        while (!peek().equals(")")) {
            type.append(next()).append(' ');
        }
        expect(")");
        Object v = unary();
        String t = type.toString().strip();
        if (t.contains("*") || !(v instanceof Long || v instanceof BigInteger)) {
            return v;
        }
        long n = num(v);
        boolean unsigned = t.contains("unsigned") || t.startsWith("u") || t.startsWith("__u") || t.equals("size_t");
        int size = FieldFormat.scalarSize(t.replace("unsigned", "").replace("signed", "").strip().isEmpty()
                ? "int" : t);
        return switch (size) {
            case 1 -> unsigned ? n & 0xff : (long) (byte) n;
            case 2 -> unsigned ? n & 0xffff : (long) (short) n;
            case 4 -> unsigned ? n & 0xffffffffL : (long) (int) n;
            default -> n;
        };
    }

    private Object postfix(Object v) {
        while (peek().equals("[")) {
            next();
            long idx = num(ternary());
            expect("]");
            if (!(v instanceof List<?> list) || idx < 0 || idx >= list.size()) {
                throw new Unsupported("bad index");
            }
            v = list.get((int) idx);
        }
        return v;
    }

    private Object primary() {
        String t = next();
        if (t.equals("REC")) {
            expect("->");
            String name = next();
            if (!fields.containsKey(name)) {
                throw new Unsupported("no field " + name);
            }
            return fields.get(name);
        }
        if (t.startsWith("\"")) {
            return PrintFmtRenderer.unescape(t.substring(1, t.length() - 1));
        }
        if (Character.isDigit(t.charAt(0))) {
            return literal(t);
        }
        if (peek().equals("(")) {
            return call(t);
        }
        throw new Unsupported("identifier " + t);
    }

    private static long literal(String t) {
        String s = t.replaceAll("[uUlL]+$", "");
        if (s.startsWith("0x") || s.startsWith("0X")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        return s.length() > 1 && s.startsWith("0") ? Long.parseLong(s, 8) : Long.parseLong(s);
    }

    private Object call(String fn) {
        expect("(");
        switch (fn) {
            case "__get_str", "__get_dynamic_array", "__get_rel_str", "__get_rel_dynamic_array" -> {
                String name = next();
                expect(")");
                if (!fields.containsKey(name)) {
                    throw new Unsupported("no field " + name);
                }
                return fields.get(name);
            }
            case "__print_flags" -> {
                long val = num(ternary());
                expect(",");
                String delim = String.valueOf(primary());
                return flags(val, delim, pairs());
            }
            case "__print_symbolic" -> {
                long val = num(ternary());
                List<Object[]> table = pairs();
                for (Object[] p : table) {
                    if ((long) p[0] == val) {
                        return p[1];
                    }
                }
                return "0x" + Long.toHexString(val);
            }
            default -> throw new Unsupported("function " + fn);
        }
    }

    /** Reads {@code , { v, "name" }, ...)} up to and including the closing parenthesis. */
    private List<Object[]> pairs() {
        List<Object[]> out = new ArrayList<>();
        while (peek().equals(",")) {
            next();
            expect("{");
            long v = num(ternary());
            expect(",");
            Object name = primary();
            expect("}");
            out.add(new Object[] {v, String.valueOf(name)});
        }
        expect(")");
        return out;
    }

    private static String flags(long val, String delim, List<Object[]> table) {
        StringBuilder sb = new StringBuilder();
        long rest = val;
        for (Object[] p : table) {
            long bit = (long) p[0];
            if (bit != 0 && (rest & bit) == bit) {
                sb.append(sb.isEmpty() ? "" : delim).append(p[1]);
                rest &= ~bit;
            } else if (bit == 0 && val == 0) {
                return String.valueOf(p[1]);
            }
        }
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : delim).append("0x").append(Long.toHexString(rest));
        }
        return sb.toString();
    }

    static long num(Object v) {
        if (v instanceof Long || v instanceof BigInteger) {
            return EventDecoder.asLong(v);
        }
        throw new Unsupported("not a number: " + v);
    }

    private static boolean truth(Object v) {
        return v instanceof String s ? !s.isEmpty() : num(v) != 0;
    }
}
