package io.switchboard.deploycheck;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Just enough of PromQL to check a query without a Prometheus: that it is non-empty and balanced (brackets and
 * quotes), and which metric names it reads. Not a parser: a query that passes may still be wrong, but one that names
 * a metric nobody exports, or lost a bracket, does not pass.
 */
final class PromQl {
    /** Operators and modifiers spelt as words; never metric names. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "atan2",
            "start", "end");
    /** Aggregation operators: followed by their argument or by a by/without clause ("sum by (le) (…)"). */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Words followed by a list of label names in parentheses. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private PromQl() {
    }

    /** What is wrong with the query's shape: empty, an unclosed string, unbalanced brackets. Empty when fine. */
    static List<String> shapeProblems(String query) {
        List<String> problems = new ArrayList<>();
        if (query == null || query.isBlank()) {
            problems.add("empty query");
            return problems;
        }
        Deque<Character> open = new ArrayDeque<>();
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = endOfString(query, i);
                if (end < 0) {
                    problems.add("unclosed string at " + i);
                    return problems;
                }
                i = end;
            } else if (c == '#') {
                int nl = query.indexOf('\n', i);
                i = nl < 0 ? query.length() : nl;
            } else if (c == '(' || c == '{' || c == '[') {
                open.push(c);
            } else if (c == ')' || c == '}' || c == ']') {
                char expected = c == ')' ? '(' : c == '}' ? '{' : '[';
                if (open.isEmpty() || open.pop() != expected) {
                    problems.add("unbalanced '" + c + "' at " + i);
                    return problems;
                }
            }
        }
        if (!open.isEmpty()) {
            problems.add("unclosed '" + open.peek() + "'");
        }
        return problems;
    }

    /** The metric names a (well-shaped) query reads: identifiers that are not functions, keywords or label names. */
    static Set<String> metricNames(String query) {
        List<String> tokens = tokens(query);
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            if (t.equals("{")) {
                i = skipTo(tokens, i, "{", "}"); // label matchers: names and values, never metrics
            } else if (t.equals("[")) {
                i = skipTo(tokens, i, "[", "]"); // ranges and subquery steps
            } else if (LABEL_LISTS.contains(t) && next.equals("(")) {
                i = skipTo(tokens, i + 1, "(", ")");
            } else if (isIdentifier(t) && !next.equals("(") && !KEYWORDS.contains(t) && !AGGREGATIONS.contains(t)) {
                names.add(t);
            }
        }
        return names;
    }

    private static int skipTo(List<String> tokens, int from, String open, String close) {
        int depth = 0;
        for (int i = from; i < tokens.size(); i++) {
            if (tokens.get(i).equals(open)) {
                depth++;
            } else if (tokens.get(i).equals(close) && --depth == 0) {
                return i;
            }
        }
        return tokens.size();
    }

    private static boolean isIdentifier(String t) {
        char c = t.charAt(0);
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    /** Identifiers, numbers and durations (as one token), brackets; strings, comments and operators dropped. */
    private static List<String> tokens(String query) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < query.length()) {
            char c = query.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = endOfString(query, i);
                i = end < 0 ? query.length() : end + 1;
            } else if (c == '#') {
                int nl = query.indexOf('\n', i);
                i = nl < 0 ? query.length() : nl;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < query.length() && (Character.isLetterOrDigit(query.charAt(i)) || query.charAt(i) == '_'
                        || query.charAt(i) == ':')) {
                    i++;
                }
                tokens.add(query.substring(start, i));
            } else if (Character.isDigit(c) || c == '.' || c == '$') {
                // numbers (0.05, 1e3), durations (5m) and Grafana variables ($__rate_interval): not metric names
                int start = i;
                i++;
                while (i < query.length() && (Character.isLetterOrDigit(query.charAt(i)) || query.charAt(i) == '.'
                        || query.charAt(i) == '_')) {
                    i++;
                }
                tokens.add("#" + query.substring(start, i));
            } else if ("(){}[]".indexOf(c) >= 0) {
                tokens.add(String.valueOf(c));
                i++;
            } else {
                i++;
            }
        }
        return tokens;
    }

    /** @return the index of the closing quote, or -1 */
    private static int endOfString(String s, int start) {
        char quote = s.charAt(start);
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return -1;
    }
}
