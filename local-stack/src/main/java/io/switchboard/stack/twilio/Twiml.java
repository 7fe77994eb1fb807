package io.switchboard.stack.twilio;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The part of TwiML the call center uses, read into records. Verbs the simulator does not act on are kept as
 * {@link Unsupported} so a document using them still runs (Twilio would run them; here they do nothing).
 */
final class Twiml {
    private static final System.Logger LOG = System.getLogger(Twiml.class.getName());
    /** Twilio's default for {@code <Dial timeout>}. */
    static final int DEFAULT_DIAL_TIMEOUT_SECONDS = 30;
    /** Twilio's defaults for {@code <Record>}: seconds of silence that end it, its longest length, the keys. */
    static final int DEFAULT_RECORD_TIMEOUT_SECONDS = 5;
    static final int DEFAULT_RECORD_MAX_LENGTH_SECONDS = 3600;
    static final String DEFAULT_FINISH_ON_KEY = "1234567890*#";

    private Twiml() {
    }

    sealed interface Verb permits Enqueue, Dial, Hangup, Reject, Say, Play, Pause, Redirect, Record, Unsupported {
    }

    /** The caller waits in {@code queue} until the call is redirected or hangs up. */
    record Enqueue(String queue, String waitUrl, String waitUrlMethod) implements Verb {
    }

    /**
     * Rings {@code targets} (the simulator rings the first one only; the call center dials one agent), or, when
     * {@code conference} is not null, puts the call into that conference.
     */
    record Dial(List<DialTarget> targets, int timeoutSeconds, String action, String method, boolean answerOnBridge,
            String callerId, Conference conference) implements Verb {
        /** A Dial that rings devices. */
        Dial(List<DialTarget> targets, int timeoutSeconds, String action, String method, boolean answerOnBridge,
                String callerId) {
            this(targets, timeoutSeconds, action, method, answerOnBridge, callerId, null);
        }
    }

    /**
     * {@code <Dial><Conference>name</Conference></Dial>}, with Twilio's defaults for what is absent. {@code waitUrl}
     * is null when absent or empty: Twilio's own default hold music is not on this machine, and an empty one plays
     * nothing. {@code statusCallbackEvents} are the short names of the TwiML ({@code start end join leave mute hold
     * modify speaker announcement}); none by default.
     */
    record Conference(String name, boolean muted, String beep, boolean startConferenceOnEnter,
            boolean endConferenceOnExit, String participantLabel, String waitUrl, String waitMethod,
            String statusCallback, String statusCallbackMethod, Set<String> statusCallbackEvents) {
    }

    /** {@code to} is what Twilio puts in the leg's {@code To}: {@code client:doug} or a phone number. */
    record DialTarget(String to, String statusCallback, String statusCallbackMethod, Set<String> events) {
        /** The device that answers: a client's identity or the number. */
        String device() {
            return to.startsWith("client:") ? to.substring("client:".length()) : to;
        }
    }

    record Hangup() implements Verb {
    }

    record Reject(String reason) implements Verb {
    }

    record Say(String text) implements Verb {
    }

    record Play(String url) implements Verb {
    }

    record Pause(int seconds) implements Verb {
    }

    record Redirect(String url, String method) implements Verb {
    }

    record Unsupported(String name) implements Verb {
    }

    /**
     * {@code <Record>}, with Twilio's defaults for what is absent: {@code action} null means the document's own URL,
     * {@code method} POST, {@code timeout} 5 s of silence, {@code finishOnKey} any key, {@code maxLength} 3600 s,
     * {@code playBeep} true, {@code trim} {@code trim-silence}, {@code recordingStatusCallbackEvent} {@code completed}
     * (of {@code in-progress completed absent}). The simulated caller never falls silent and presses no key, so
     * {@code timeout}, {@code finishOnKey}, {@code playBeep} and {@code trim} are read but change nothing here.
     */
    record Record(String action, String method, int timeoutSeconds, String finishOnKey, int maxLengthSeconds,
            boolean playBeep, String trim, String recordingStatusCallback, String recordingStatusCallbackMethod,
            Set<String> recordingStatusCallbackEvents) implements Verb {
        Record {
            recordingStatusCallbackEvents = Set.copyOf(recordingStatusCallbackEvents);
        }
    }

    /** A document Twilio would answer with error 12100 (document parse failure). */
    static final class TwimlException extends Exception {
        TwimlException(String message) {
            super(message);
        }

        TwimlException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static List<Verb> parse(String xml) throws TwimlException {
        if (xml == null || xml.isBlank()) {
            throw new TwimlException("The TwiML document is empty");
        }
        Element response;
        try {
            response = builder().parse(new InputSource(new StringReader(xml.strip()))).getDocumentElement();
        } catch (SAXException | IOException e) {
            throw new TwimlException("The TwiML document is not well-formed XML: " + e.getMessage(), e);
        }
        if (!"Response".equals(response.getTagName())) {
            throw new TwimlException("A TwiML document's root element is <Response>, not <" + response.getTagName() + ">");
        }
        List<Verb> verbs = new ArrayList<>();
        for (Element verb : children(response)) {
            verbs.add(verb(verb));
        }
        return List.copyOf(verbs);
    }

    private static Verb verb(Element e) throws TwimlException {
        switch (e.getTagName()) {
            case "Enqueue":
                return new Enqueue(text(e), attr(e, "waitUrl"), method(e, "waitUrlMethod"));
            case "Dial":
                return dial(e);
            case "Hangup":
                return new Hangup();
            case "Reject":
                return new Reject(attr(e, "reason") == null ? "rejected" : attr(e, "reason"));
            case "Say":
                return new Say(text(e));
            case "Play":
                return new Play(text(e));
            case "Pause":
                return new Pause(integer(e, "length", 1));
            case "Record":
                return record(e);
            case "Redirect":
                if (text(e).isEmpty()) {
                    throw new TwimlException("<Redirect> needs a URL");
                }
                return new Redirect(text(e), method(e, "method"));
            default:
                LOG.log(System.Logger.Level.WARNING, "TwiML verb <{0}> is not simulated; it does nothing here",
                        e.getTagName());
                return new Unsupported(e.getTagName());
        }
    }

    private static Dial dial(Element e) throws TwimlException {
        List<DialTarget> targets = new ArrayList<>();
        Conference conference = null;
        for (Element noun : children(e)) {
            switch (noun.getTagName()) {
                case "Client" -> targets.add(target(noun, "client:" + clientIdentity(noun)));
                case "Number" -> targets.add(target(noun, text(noun)));
                case "Conference" -> {
                    if (conference != null || !targets.isEmpty()) {
                        throw new TwimlException("<Conference> is the only noun of its <Dial>");
                    }
                    conference = conference(noun);
                }
                default -> LOG.log(System.Logger.Level.WARNING,
                        "<Dial><{0}> is not simulated; only <Client>, <Number> and <Conference> are",
                        noun.getTagName());
            }
        }
        if (conference != null && !targets.isEmpty()) {
            throw new TwimlException("<Conference> is the only noun of its <Dial>");
        }
        if (targets.isEmpty() && conference == null && !directText(e).isEmpty()) {
            targets.add(new DialTarget(directText(e), null, "POST", Set.of("completed")));
        }
        return new Dial(List.copyOf(targets), integer(e, "timeout", DEFAULT_DIAL_TIMEOUT_SECONDS), attr(e, "action"),
                method(e, "method"), Boolean.parseBoolean(attr(e, "answerOnBridge")), attr(e, "callerId"), conference);
    }

    private static Record record(Element e) throws TwimlException {
        int maxLength = integer(e, "maxLength", DEFAULT_RECORD_MAX_LENGTH_SECONDS);
        int timeout = integer(e, "timeout", DEFAULT_RECORD_TIMEOUT_SECONDS);
        if (maxLength < 1 || timeout < 0) {
            throw new TwimlException("<Record maxLength> must be at least 1 and timeout at least 0, not " + maxLength
                    + " and " + timeout);
        }
        String finishOnKey = e.hasAttribute("finishOnKey") ? e.getAttribute("finishOnKey").strip()
                : DEFAULT_FINISH_ON_KEY;
        String trim = attr(e, "trim");
        Set<String> events = words(attr(e, "recordingStatusCallbackEvent"));
        return new Record(attr(e, "action"), method(e, "method"), timeout, finishOnKey, maxLength,
                bool(e, "playBeep", true), trim == null ? "trim-silence" : trim, attr(e, "recordingStatusCallback"),
                method(e, "recordingStatusCallbackMethod"), events.isEmpty() ? Set.of("completed") : events);
    }

    private static Conference conference(Element noun) throws TwimlException {
        String name = directText(noun);
        if (name.isEmpty()) {
            throw new TwimlException("<Conference> needs a name");
        }
        String beep = attr(noun, "beep");
        return new Conference(name, bool(noun, "muted", false), beep == null ? "true" : beep,
                bool(noun, "startConferenceOnEnter", true), bool(noun, "endConferenceOnExit", false),
                attr(noun, "participantLabel"), attr(noun, "waitUrl"), method(noun, "waitMethod"),
                attr(noun, "statusCallback"), method(noun, "statusCallbackMethod"),
                words(attr(noun, "statusCallbackEvent")));
    }

    private static boolean bool(Element e, String name, boolean fallback) {
        String value = attr(e, name);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }

    /** A space- (or comma-) separated list of names, lower case; empty for null. */
    private static Set<String> words(String value) {
        if (value == null) {
            return Set.of();
        }
        return Set.copyOf(new LinkedHashSet<>(Arrays.asList(value.trim().toLowerCase(Locale.ROOT).split("[\\s,]+"))));
    }

    /** {@code <Client>doug</Client>}, or with parameters {@code <Client><Identity>doug</Identity>…</Client>}. */
    private static String clientIdentity(Element client) throws TwimlException {
        for (Element child : children(client)) {
            if ("Identity".equals(child.getTagName())) {
                return text(child);
            }
        }
        String identity = directText(client);
        if (identity.isEmpty()) {
            throw new TwimlException("<Client> needs an identity");
        }
        return identity;
    }

    private static DialTarget target(Element noun, String to) {
        String events = attr(noun, "statusCallbackEvent");
        // Without statusCallbackEvent Twilio reports only the end of the leg.
        Set<String> requested = events == null
                ? Set.of("completed")
                : new LinkedHashSet<>(Arrays.asList(events.trim().toLowerCase(Locale.ROOT).split("[\\s,]+")));
        return new DialTarget(to, attr(noun, "statusCallback"), method(noun, "statusCallbackMethod"),
                Set.copyOf(requested));
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // TwiML comes from the network: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The JDK's XML parser lacks a standard feature", e);
        }
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element child) {
                elements.add(child);
            }
        }
        return elements;
    }

    private static String text(Element e) {
        return e.getTextContent() == null ? "" : e.getTextContent().strip();
    }

    private static String directText(Element e) {
        StringBuilder text = new StringBuilder();
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(node.getNodeValue());
            }
        }
        return text.toString().strip();
    }

    private static String attr(Element e, String name) {
        String value = e.getAttribute(name);
        return value.isBlank() ? null : value.strip();
    }

    private static String method(Element e, String name) {
        String value = attr(e, name);
        return value == null ? "POST" : value.toUpperCase(Locale.ROOT);
    }

    private static int integer(Element e, String name, int fallback) throws TwimlException {
        String value = attr(e, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException ex) {
            throw new TwimlException("<" + e.getTagName() + " " + name + "> is not a number: " + value);
        }
    }
}
