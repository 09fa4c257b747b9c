package io.nstrace.format.printfmt;

import java.util.List;

/** The subset of C printf the kernel's print fmts use: flags, width, precision, h/l/ll/z, d i u x X o c s p. */
final class CPrintf {
    private CPrintf() {
    }

    static String format(String fmt, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < fmt.length()) {
            char c = fmt.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '%') {
                out.append('%');
                i += 2;
                continue;
            }
            int j = i + 1;
            String flags = "";
            while (j < fmt.length() && "-+ 0#".indexOf(fmt.charAt(j)) >= 0) {
                flags += fmt.charAt(j++);
            }
            int width = 0;
            if (j < fmt.length() && fmt.charAt(j) == '*') {
                width = (int) PrintFmtRenderer.toLong(next(args, arg++));
                j++;
            }
            while (j < fmt.length() && Character.isDigit(fmt.charAt(j))) {
                width = width * 10 + (fmt.charAt(j++) - '0');
            }
            int precision = -1;
            if (j < fmt.length() && fmt.charAt(j) == '.') {
                j++;
                precision = 0;
                if (j < fmt.length() && fmt.charAt(j) == '*') {
                    precision = (int) PrintFmtRenderer.toLong(next(args, arg++));
                    j++;
                }
                while (j < fmt.length() && Character.isDigit(fmt.charAt(j))) {
                    precision = precision * 10 + (fmt.charAt(j++) - '0');
                }
            }
            int longs = 0;
            while (j < fmt.length() && "hlzLjt".indexOf(fmt.charAt(j)) >= 0) {
                longs += fmt.charAt(j) == 'h' ? -1 : 1;
                j++;
            }
            if (j >= fmt.length()) {
                throw new PrintArgExpr.Unsupported("truncated conversion");
            }
            char conv = fmt.charAt(j++);
            if (conv == 'p') {
                while (j < fmt.length() && Character.isLetterOrDigit(fmt.charAt(j))) {
                    j++; // %pS, %pB, ...: printed as the plain pointer
                }
            }
            String body = convert(conv, longs, precision, flags, next(args, arg++));
            out.append(pad(body, width, flags, conv));
            i = j;
        }
        return out.toString();
    }

    private static Object next(List<Object> args, int index) {
        if (index >= args.size()) {
            throw new PrintArgExpr.Unsupported("too few arguments");
        }
        return args.get(index);
    }

    private static String convert(char conv, int longs, int precision, String flags, Object v) {
        switch (conv) {
            case 's' -> {
                String s = v instanceof List<?> l ? PrintFmtRenderer.plain(l) : String.valueOf(v);
                return precision >= 0 && s.length() > precision ? s.substring(0, precision) : s;
            }
            case 'c' -> {
                return String.valueOf((char) (PrintFmtRenderer.toLong(v) & 0xff));
            }
            default -> {
                long n = PrintFmtRenderer.toLong(v);
                boolean wide = longs > 0;
                if (!wide && longs == 0) {
                    n = conv == 'd' || conv == 'i' ? (int) n : n & 0xffffffffL;
                } else if (longs < 0) {
                    n = longs == -1 ? (conv == 'd' || conv == 'i' ? (short) n : n & 0xffff)
                            : (conv == 'd' || conv == 'i' ? (byte) n : n & 0xff);
                }
                return integer(conv, n, flags);
            }
        }
    }

    private static String integer(char conv, long n, String flags) {
        return switch (conv) {
            case 'd', 'i' -> (flags.contains("+") && n >= 0 ? "+" : "") + n;
            case 'u' -> Long.toUnsignedString(n);
            case 'x' -> (flags.contains("#") && n != 0 ? "0x" : "") + Long.toHexString(n);
            case 'X' -> (flags.contains("#") && n != 0 ? "0X" : "") + Long.toHexString(n).toUpperCase();
            case 'o' -> Long.toOctalString(n);
            case 'p' -> "0x" + Long.toHexString(n);
            default -> throw new PrintArgExpr.Unsupported("conversion %" + conv);
        };
    }

    private static String pad(String body, int width, String flags, char conv) {
        if (body.length() >= width) {
            return body;
        }
        String fill = " ".repeat(width - body.length());
        if (flags.contains("-")) {
            return body + fill;
        }
        if (flags.contains("0") && conv != 's' && conv != 'c') {
            int sign = body.startsWith("-") || body.startsWith("+") ? 1 : body.startsWith("0x") ? 2 : 0;
            return body.substring(0, sign) + "0".repeat(width - body.length()) + body.substring(sign);
        }
        return fill + body;
    }
}
