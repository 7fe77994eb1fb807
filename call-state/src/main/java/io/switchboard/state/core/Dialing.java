package io.switchboard.state.core;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.switchboard.contract.PhoneNumbers;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where a tenant's agents may call: from the tenant's number, to the countries it lists.
 *
 * @param callerId the tenant's number, shown to the people its agents call; null when the tenant has none
 * @param countryCodes the country calling codes the tenant may call ({@code 1}, {@code 44}, …); empty: only its own
 *     number's
 */
public record Dialing(String callerId, Set<Integer> countryCodes) {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    public Dialing {
        countryCodes = Set.copyOf(countryCodes);
    }

    /**
     * The country calling code of an E.164 number that can exist (a known country code, a length its country's numbers
     * have), or empty.
     */
    static OptionalInt countryCode(String number) {
        if (!PhoneNumbers.isE164(number)) {
            return OptionalInt.empty();
        }
        try {
            var parsed = PHONES.parse(number, null);
            return PHONES.isPossibleNumber(parsed) ? OptionalInt.of(parsed.getCountryCode()) : OptionalInt.empty();
        } catch (NumberParseException e) {
            return OptionalInt.empty();
        }
    }

    boolean allows(int countryCode) {
        return countryCodes.isEmpty() ? countryCode(callerId).equals(OptionalInt.of(countryCode))
                : countryCodes.contains(countryCode);
    }
}
