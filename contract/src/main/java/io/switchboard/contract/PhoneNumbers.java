package io.switchboard.contract;

import java.util.regex.Pattern;

/** Phone numbers as Twilio writes them: E.164, a {@code +}, the country code and at most 15 digits in all. */
public final class PhoneNumbers {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private PhoneNumbers() {
    }

    public static boolean isE164(String number) {
        return number != null && E164.matcher(number).matches();
    }
}
