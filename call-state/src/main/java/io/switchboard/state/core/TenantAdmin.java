package io.switchboard.state.core;

import io.switchboard.contract.AdminRequest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.PhoneNumbers;
import io.switchboard.contract.Presence;
import io.switchboard.contract.Roles;
import io.switchboard.contract.TenantSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Decides a tenant admin's writes ({@link Input.Administer}): whether the write is valid as it stands in the tenant's
 * {@link TenantSetup}, and if so what it changes and the audit entry that records it. Pure, like the decider.
 */
final class TenantAdmin {
    private static final int MAX_NAME = 100;
    private static final int MAX_TIME_SECONDS = 3600;

    private TenantAdmin() {
    }

    static Decision decide(Input.Administer input, String tenantId, TenantSetup setup) {
        AdminRequest request = input.request();
        if (request instanceof AdminRequest.AddAgent add) {
            return addAgent(input, tenantId, add, setup);
        } else if (request instanceof AdminRequest.ChangeAgent change) {
            return changeAgent(input, change, setup);
        } else if (request instanceof AdminRequest.AddNumber add) {
            return addNumber(input, tenantId, add.phoneNumber(), setup);
        } else if (request instanceof AdminRequest.RemoveNumber remove) {
            return removeNumber(input, remove.phoneNumber(), setup);
        } else if (request instanceof AdminRequest.ChangeSettings change) {
            return changeSettings(input, change.settings(), setup);
        }
        return Decision.reject(ErrorCode.BAD_REQUEST, "No such admin write: " + request);
    }

    private static Decision addAgent(Input.Administer input, String tenantId, AdminRequest.AddAgent add,
            TenantSetup setup) {
        var wrongId = ClientIdentity.agentIdProblem(tenantId, add.id());
        if (wrongId.isPresent()) {
            return invalid(wrongId.get());
        }
        Decision refused = refuseName(add.name());
        if (refused == null) {
            refused = refuseRoles(add.roles());
        }
        if (refused != null) {
            return refused;
        }
        var existing = setup.member(add.id());
        if (existing.isPresent()) {
            return Decision.reject(ErrorCode.AGENT_EXISTS, "The tenant has an agent '" + add.id() + "' already"
                    + (existing.get().agent().active() ? "." : " (deactivated: reactivate it with active: true)."));
        }
        AgentRecord agent = new AgentRecord(tenantId, add.id(), add.name().trim(), true, Presence.OFFLINE,
                AgentStatus.AVAILABLE, null, null, null, null, null);
        List<String> roles = sorted(add.roles());
        return Decision.of(new Fact.AgentEnrolled(agent, roles,
                audit(input, "create_agent", add.id(), null, agentAudit(agent, roles))));
    }

    private static Decision changeAgent(Input.Administer input, AdminRequest.ChangeAgent change, TenantSetup setup) {
        TenantSetup.Member member = change.id() == null ? null : setup.member(change.id()).orElse(null);
        if (member == null) {
            return Decision.reject(ErrorCode.UNKNOWN_AGENT, "The tenant has no agent '" + change.id() + "'.");
        }
        Decision refused = change.name() == null ? null : refuseName(change.name());
        if (refused == null && change.roles() != null) {
            refused = refuseRoles(change.roles());
        }
        if (refused != null) {
            return refused;
        }
        AgentRecord before = member.agent();
        boolean active = change.active() == null ? before.active() : change.active();
        String name = change.name() == null ? before.name() : change.name().trim();
        List<String> roles = change.roles() == null ? member.roles() : sorted(change.roles());
        if (!active && before.active() && before.onACall()) {
            return Decision.reject(ErrorCode.AGENT_BUSY, before.name() + " is on a call; deactivate them once it is"
                    + " over.");
        }
        boolean staysAdmin = active && roles.contains(Roles.ADMIN);
        if (member.activeAdmin() && !staysAdmin
                && setup.agents().stream().filter(TenantSetup.Member::activeAdmin).count() == 1) {
            return Decision.reject(ErrorCode.LAST_ADMIN, before.name() + " is the tenant's only active admin; make"
                    + " someone else an admin first.");
        }
        AgentRecord after = new AgentRecord(before.tenantId(), before.id(), name, active, before.presence(),
                before.status(), before.currentCallSid(), before.currentCallPhoneNumber(),
                before.currentCallAnsweredAt(), before.wrapUpUntil(), before.offlineAt());
        if (after.equals(before) && roles.equals(member.roles())) {
            return Decision.NOTHING;
        }
        return Decision.of(new Fact.AgentEdited(after, roles, before.active(), audit(input, "update_agent",
                before.id(), agentAudit(before, member.roles()), agentAudit(after, roles))));
    }

    private static Decision addNumber(Input.Administer input, String tenantId, String number, TenantSetup setup) {
        if (!PhoneNumbers.isE164(number)) {
            return Decision.reject(ErrorCode.INVALID_NUMBER, "phoneNumber must be in E.164 (+ and the country code,"
                    + " e.g. +15005550006); got '" + number + "'.");
        }
        if (tenantId.equals(setup.numberOwner())) {
            return Decision.NOTHING;
        }
        if (setup.numberOwner() != null) {
            return Decision.reject(ErrorCode.NUMBER_TAKEN, number + " reaches another tenant; a number reaches one"
                    + " tenant only. Ask the platform operator.");
        }
        List<String> numbers = new ArrayList<>(setup.numbers());
        numbers.add(number);
        numbers.sort(null);
        return Decision.of(new Fact.NumbersChanged(List.copyOf(numbers), setup.settings(), number, true,
                audit(input, "add_number", number, null, Map.of("phoneNumber", number))));
    }

    private static Decision removeNumber(Input.Administer input, String number, TenantSetup setup) {
        if (!setup.numbers().contains(number)) {
            return Decision.reject(ErrorCode.NUMBER_NOT_FOUND, "The tenant has no number '" + number + "'.");
        }
        List<String> numbers = new ArrayList<>(setup.numbers());
        numbers.remove(number);
        return Decision.of(new Fact.NumbersChanged(List.copyOf(numbers), setup.settings(), number, false,
                audit(input, "remove_number", number, Map.of("phoneNumber", number), null)));
    }

    private static Decision changeSettings(Input.Administer input, TenantSettings settings, TenantSetup setup) {
        if (settings == null) {
            return invalid("The settings are missing.");
        }
        String wrong = wrongIn(settings, setup);
        if (wrong != null) {
            return invalid(wrong);
        }
        TenantSettings stored = new TenantSettings(settings.parkSlotFirst(), settings.parkSlotLast(),
                settings.parkTimeoutSeconds(), settings.parkerRingSeconds(), settings.wrapUpSeconds(),
                settings.serviceLevelSeconds(), TenantSettings.Queue.of(settings.queue().handling()));
        if (stored.equals(setup.settings())) {
            return Decision.NOTHING;
        }
        return Decision.of(new Fact.SettingsChanged(setup.numbers(), stored,
                audit(input, "update_settings", null, setup.settings(), stored)));
    }

    /** Why the settings cannot be stored, for the admin; null when they can. */
    private static String wrongIn(TenantSettings s, TenantSetup setup) {
        if (s.parkSlotFirst() < 1 || s.parkSlotLast() < s.parkSlotFirst()
                || s.parkSlotLast() > TenantSettings.MAX_SLOT) {
            return "The parking slots must run from parkSlotFirst to parkSlotLast within 1.." + TenantSettings.MAX_SLOT
                    + "; got " + s.parkSlotFirst() + ".." + s.parkSlotLast() + ".";
        }
        var outside = new TreeSet<Integer>();
        for (int slot : setup.slotsInUse()) {
            if (slot < s.parkSlotFirst() || slot > s.parkSlotLast()) {
                outside.add(slot);
            }
        }
        if (!outside.isEmpty()) {
            return "Slot" + (outside.size() > 1 ? "s " : " ") + outside + " hold" + (outside.size() > 1 ? "" : "s")
                    + " a parked call outside " + s.parkSlotFirst() + ".." + s.parkSlotLast()
                    + "; retrieve it first or keep the range around it.";
        }
        String wrong = wrongTime("parkTimeoutSeconds", s.parkTimeoutSeconds(), 1);
        if (wrong == null) {
            wrong = wrongTime("parkerRingSeconds", s.parkerRingSeconds(), 0);
        }
        if (wrong == null) {
            wrong = wrongTime("wrapUpSeconds", s.wrapUpSeconds(), 0);
        }
        if (wrong == null) {
            wrong = wrongTime("serviceLevelSeconds", s.serviceLevelSeconds(), 1);
        }
        if (wrong != null) {
            return wrong;
        }
        if (s.queue() == null) {
            return "queue is missing: the wait limit and business hours (send what GET /api/admin/settings gave).";
        }
        try {
            s.queue().handling();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    private static String wrongTime(String field, Integer seconds, int least) {
        if (seconds != null && (seconds < least || seconds > MAX_TIME_SECONDS)) {
            return field + " must be between " + least + " and " + MAX_TIME_SECONDS
                    + " seconds, or null for the service's default; got " + seconds + ".";
        }
        return null;
    }

    private static Decision refuseName(String name) {
        if (name == null || name.isBlank() || name.trim().length() > MAX_NAME) {
            return invalid("name must be 1 to " + MAX_NAME + " characters; got '" + name + "'.");
        }
        return null;
    }

    private static Decision refuseRoles(List<String> roles) {
        if (roles == null || roles.isEmpty() || !Roles.ALL.containsAll(roles) || !roles.contains(Roles.AGENT)) {
            return invalid("roles must include 'agent' (every user of the console takes calls) and may add"
                    + " 'supervisor' and 'admin'; got " + roles + ".");
        }
        return null;
    }

    private static List<String> sorted(List<String> roles) {
        return Roles.ALL.stream().filter(roles::contains).toList();
    }

    private static Decision invalid(String message) {
        return Decision.reject(ErrorCode.INVALID_INPUT, message);
    }

    private static Map<String, Object> agentAudit(AgentRecord agent, List<String> roles) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", agent.id());
        entry.put("name", agent.name());
        entry.put("roles", roles);
        entry.put("active", agent.active());
        return entry;
    }

    private static AuditEntry audit(Input.Administer input, String action, String subject, Object before,
            Object after) {
        return new AuditEntry(input.adminId(), input.at(), action, subject, before, after);
    }
}
