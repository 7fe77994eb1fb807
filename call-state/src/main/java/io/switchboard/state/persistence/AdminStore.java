package io.switchboard.state.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.contract.AdminRequest;
import io.switchboard.contract.Json;
import io.switchboard.contract.TenantSettings;
import io.switchboard.state.core.AuditEntry;
import io.switchboard.state.core.Fact;
import io.switchboard.state.core.Input;
import io.switchboard.state.core.TenantSetup;
import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a tenant's setup for an admin's write and stores the write with its audit entry: agents ({@code voip_users}),
 * numbers ({@code tenant_numbers}), settings ({@code tenants}, {@code call_handling}), {@code admin_audit}.
 */
final class AdminStore {
    private AdminStore() {
    }

    /** The setup's reads, in the round trip that loads the admin's situation; {@link #get} once it was sent. */
    static final class Loading {
        private final RoundTrip.Result<List<TenantSetup.Member>> agents;
        private final RoundTrip.Result<List<String>> numbers;
        private final RoundTrip.Result<TenantSettings> settings;
        private final RoundTrip.Result<Set<Integer>> slots;
        private final RoundTrip.Result<String> owner;

        private Loading(RoundTrip trip, String tenantId, Input.Administer input) {
            agents = trip.query("SELECT " + ProjectionStore.AGENT_COLUMNS
                    + ", roles FROM voip_users WHERE tenant_id = ? ORDER BY id", p -> p.text(tenantId), rs -> {
                        List<TenantSetup.Member> found = new ArrayList<>();
                        while (rs.next()) {
                            found.add(new TenantSetup.Member(ProjectionStore.agent(rs), texts(rs.getArray(12))));
                        }
                        return found;
                    });
            numbers = trip.query("SELECT phone_number FROM tenant_numbers WHERE tenant_id = ? ORDER BY phone_number",
                    p -> p.text(tenantId), rs -> {
                        List<String> found = new ArrayList<>();
                        while (rs.next()) {
                            found.add(rs.getString(1));
                        }
                        return found;
                    });
            settings = trip.query("SELECT tenant_settings(?)", p -> p.text(tenantId),
                    rs -> rs.next() && rs.getString(1) != null ? settings(rs.getString(1)) : null);
            slots = ProjectionStore.slotsInUse(trip, tenantId);
            String number = input.request() instanceof AdminRequest.AddNumber add ? add.phoneNumber() : null;
            owner = number == null ? null : trip.query("SELECT tenant_id FROM tenant_numbers WHERE phone_number = ?",
                    p -> p.text(number), rs -> rs.next() ? rs.getString(1) : null);
        }

        TenantSetup get() {
            return new TenantSetup(List.copyOf(agents.get()), List.copyOf(numbers.get()), settings.get(), slots.get(),
                    owner == null ? null : owner.get());
        }
    }

    static Loading load(RoundTrip trip, String tenantId, Input.Administer input) {
        return new Loading(trip, tenantId, input);
    }

    /** The stored settings, in the form an admin's write is compared with ({@link TenantSettings.Queue#of}). */
    private static TenantSettings settings(String json) {
        try {
            TenantSettings stored = Json.MAPPER.readValue(json, TenantSettings.class);
            return new TenantSettings(stored.parkSlotFirst(), stored.parkSlotLast(), stored.parkTimeoutSeconds(),
                    stored.parkerRingSeconds(), stored.wrapUpSeconds(), stored.serviceLevelSeconds(),
                    TenantSettings.Queue.of(stored.queue().handling()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tenant_settings() gave what is no TenantSettings: " + json, e);
        }
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    /** Stores each write and its audit entry with the decision's other writes. */
    static void record(RoundTrip writes, String tenantId, List<Fact.AdminFact> facts) {
        for (Fact.AdminFact fact : facts) {
            if (fact instanceof Fact.AgentEnrolled enrolled) {
                writes.writeOne("agent " + enrolled.agent().id(), """
                        INSERT INTO voip_users (tenant_id, id, name, roles, presence, status)
                        VALUES (?, ?, ?, ?, 'offline', 'available')""", p -> p.text(tenantId)
                        .text(enrolled.agent().id()).text(enrolled.agent().name()).texts(enrolled.roles()));
            } else if (fact instanceof Fact.AgentEdited edited) {
                writes.writeOne("agent " + edited.agent().id(), """
                        UPDATE voip_users SET name = ?, roles = ?, active = ?, updated_at = now()
                        WHERE tenant_id = ? AND id = ?""", p -> p.text(edited.agent().name()).texts(edited.roles())
                        .flag(edited.agent().active()).text(tenantId).text(edited.agent().id()));
            } else if (fact instanceof Fact.NumbersChanged changed && changed.added()) {
                writes.writeOne("number " + changed.number(),
                        "INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES (?, ?)",
                        p -> p.text(changed.number()).text(tenantId));
            } else if (fact instanceof Fact.NumbersChanged changed) {
                writes.writeOne("number " + changed.number(),
                        "DELETE FROM tenant_numbers WHERE phone_number = ? AND tenant_id = ?",
                        p -> p.text(changed.number()).text(tenantId));
            } else if (fact instanceof Fact.SettingsChanged changed) {
                storeSettings(writes, tenantId, changed.settings());
            }
            audit(writes, tenantId, fact.audit());
        }
    }

    private static void storeSettings(RoundTrip writes, String tenantId, TenantSettings s) {
        writes.writeOne("settings of " + tenantId, """
                UPDATE tenants SET park_slot_first = ?, park_slot_last = ?, park_timeout_seconds = ?,
                       parker_ring_seconds = ?, wrap_up_seconds = ?, service_level_seconds = ?
                WHERE id = ?""", p -> p.integer(s.parkSlotFirst()).integer(s.parkSlotLast())
                .integer(s.parkTimeoutSeconds()).integer(s.parkerRingSeconds()).integer(s.wrapUpSeconds())
                .integer(s.serviceLevelSeconds()).text(tenantId));
        TenantSettings.Queue q = s.queue();
        writes.writeOne("call handling of " + tenantId, """
                INSERT INTO call_handling (tenant_id, max_wait_seconds, at_limit, forward_to, time_zone, weekly_hours,
                                           closed_dates, after_hours, after_hours_message, greeting_text, greeting_url)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::date[], ?, ?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET max_wait_seconds = excluded.max_wait_seconds,
                    at_limit = excluded.at_limit, forward_to = excluded.forward_to, time_zone = excluded.time_zone,
                    weekly_hours = excluded.weekly_hours, closed_dates = excluded.closed_dates,
                    after_hours = excluded.after_hours, after_hours_message = excluded.after_hours_message,
                    greeting_text = excluded.greeting_text, greeting_url = excluded.greeting_url""",
                p -> p.text(tenantId).integer(q.maxWaitSeconds()).text(q.atLimit()).text(q.forwardTo())
                        .text(q.timeZone()).text(q.weeklyHours() == null ? null : json(q.weeklyHours()))
                        .texts(q.closedDates().stream().map(LocalDate::toString).toList()).text(q.afterHours())
                        .text(q.afterHoursMessage()).text(q.greetingText()).text(q.greetingUrl()));
    }

    private static void audit(RoundTrip writes, String tenantId, AuditEntry entry) {
        writes.writeOne("audit of " + entry.action(), """
                INSERT INTO admin_audit (tenant_id, at, actor, action, subject, before, after)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)""", p -> p.text(tenantId).time(entry.at())
                .text(entry.actor()).text(entry.action()).text(entry.subject()).text(json(entry.before()))
                .text(json(entry.after())));
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value + " as JSON", e);
        }
    }
}
