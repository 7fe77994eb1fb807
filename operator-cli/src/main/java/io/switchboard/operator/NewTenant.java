package io.switchboard.operator;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.Roles;
import io.switchboard.contract.handling.CallHandling;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tenant as the operator asks for it, checked on its own (what needs the database — a tenant that exists, a number
 * another tenant has — is {@link Tenants}'s part).
 *
 * @param timeZone the call-handling zone; null: none given, the tenant gets no {@code call_handling} row
 */
public record NewTenant(String id, String name, List<String> numbers, List<Admin> admins, ZoneId timeZone) {

    /** A tenant's first admin: an agent who may also supervise and administer. */
    public record Admin(String id, String name) {
    }

    /**
     * A tenant's id is in URLs, tokens and every row: lower-case letters and digits, words joined by single dashes.
     */
    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final int MAX_ID = 63;
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    public NewTenant {
        numbers = List.copyOf(numbers);
        admins = List.copyOf(admins);
    }

    /**
     * Checks everything that can be checked without the database and names every problem at once.
     *
     * @param admins each {@code id:name}
     * @param timeZone an IANA zone name, or null for none
     * @throws Refused with one reason per problem
     */
    public static NewTenant of(String id, String name, List<String> numbers, List<String> admins, String timeZone)
            throws Refused {
        List<String> reasons = new ArrayList<>();
        if (id == null || !TENANT_ID.matcher(id).matches() || id.length() > MAX_ID) {
            reasons.add("The tenant id '" + id + "' is not valid: use lower-case letters and digits, words joined by"
                    + " single dashes (e.g. acme-two), at most " + MAX_ID + " characters.");
        }
        if (name == null || name.isBlank()) {
            reasons.add("The tenant's name is empty: give the name people know it by (--name \"Acme Two\").");
        }
        Set<String> checkedNumbers = new LinkedHashSet<>();
        if (numbers.isEmpty()) {
            reasons.add("No number given: a tenant answers calls to its Twilio numbers (--number +15005550007).");
        }
        for (String number : numbers) {
            String problem = e164Problem(number);
            if (problem != null) {
                reasons.add(problem);
            } else if (!checkedNumbers.add(number)) {
                reasons.add("The number " + number + " is given twice.");
            }
        }
        List<Admin> checkedAdmins = new ArrayList<>();
        if (admins.isEmpty()) {
            reasons.add("No admin given: a tenant needs at least one admin to add its agents and settings"
                    + " (--admin doug:\"Doug Smith\").");
        }
        Set<String> adminIds = new LinkedHashSet<>();
        for (String admin : admins) {
            int colon = admin.indexOf(':');
            String adminId = colon < 0 ? admin : admin.substring(0, colon).trim();
            String adminName = colon < 0 ? "" : admin.substring(colon + 1).trim();
            if (colon < 0 || adminName.isEmpty()) {
                reasons.add("The admin '" + admin + "' has no name: write it as id:name (--admin doug:\"Doug Smith\").");
            } else if (id != null && ClientIdentity.agentIdProblem(id, adminId).isPresent()) {
                reasons.add(ClientIdentity.agentIdProblem(id, adminId).get());
            } else if (!adminIds.add(adminId)) {
                reasons.add("The admin id '" + adminId + "' is given twice.");
            } else {
                checkedAdmins.add(new Admin(adminId, adminName));
            }
        }
        ZoneId zone = null;
        if (timeZone != null) {
            try {
                zone = CallHandling.zone(timeZone);
                if (!ZoneId.getAvailableZoneIds().contains(zone.getId()) && !"UTC".equals(zone.getId())) {
                    // ZoneId takes offsets such as +02:00 too; a fixed offset misses daylight-saving changes.
                    reasons.add("'" + timeZone + "' is a fixed offset, not a time zone: use an IANA name such as"
                            + " 'Europe/Berlin', which follows daylight-saving changes.");
                    zone = null;
                }
            } catch (IllegalArgumentException e) {
                reasons.add(e.getMessage());
            }
        }
        if (!reasons.isEmpty()) {
            throw new Refused(reasons);
        }
        return new NewTenant(id, name.trim(), List.copyOf(checkedNumbers), checkedAdmins, zone);
    }

    /** Null when {@code number} is a possible phone number written in E.164; else why not. */
    static String e164Problem(String number) {
        String plain = "The number '" + number + "' is not in E.164 (a plus, the country code and the number, no"
                + " spaces: +15005550007)";
        if (number == null || number.isBlank()) {
            return plain + ".";
        }
        PhoneNumber parsed;
        try {
            parsed = PHONES.parse(number, null);
        } catch (NumberParseException e) {
            return plain + ".";
        }
        String e164 = PHONES.format(parsed, PhoneNumberFormat.E164);
        if (!PHONES.isPossibleNumber(parsed)) {
            return "The number '" + number + "' cannot be a phone number (its length does not fit country code +"
                    + parsed.getCountryCode() + ").";
        }
        if (!e164.equals(number)) {
            return plain + ": did you mean " + e164 + "?";
        }
        return null;
    }
}
