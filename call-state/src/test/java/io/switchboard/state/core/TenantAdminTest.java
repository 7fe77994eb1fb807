package io.switchboard.state.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AdminRequest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.TenantSettings;
import io.switchboard.contract.handling.CallHandling;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An admin's writes: valid ones become one stored, audited, announced change; anything else changes nothing. */
class TenantAdminTest {
    static final Instant AT = Instant.parse("2026-12-07T09:00:00Z");
    static final TenantSettings SETTINGS = new TenantSettings(701, 720, null, null, null, 20,
            TenantSettings.Queue.of(CallHandling.defaults()));
    final CallDecider decider = new CallDecider(DeciderSpec.TIMING);

    static AgentRecord agent(String id, boolean active, AgentStatus status) {
        return new AgentRecord("acme", id, id.substring(0, 1).toUpperCase() + id.substring(1), active, Presence.ONLINE,
                status, status == AgentStatus.BUSY ? "CA1" : null, status == AgentStatus.BUSY ? "+15551230000" : null,
                status == AgentStatus.BUSY ? AT : null, null, null);
    }

    static TenantSetup setup(String numberOwner, Set<Integer> slotsInUse, TenantSetup.Member... members) {
        return new TenantSetup(List.of(members), List.of("+15005550006"), SETTINGS, slotsInUse, numberOwner);
    }

    static final TenantSetup.Member DOUG = new TenantSetup.Member(agent("doug", true, AgentStatus.AVAILABLE),
            List.of("agent", "supervisor", "admin"));
    static final TenantSetup.Member RHONDA = new TenantSetup.Member(agent("rhonda", true, AgentStatus.AVAILABLE),
            List.of("agent"));

    Decision decide(AdminRequest request, TenantSetup setup) {
        return decider.decide(new Input.Administer("doug", request, AT),
                new Situation("acme", null, false, Map.of(), null, null, TenantRules.DEFAULT, null, setup));
    }

    static List<StateChange> changes(Decision decision) {
        return Projection.apply(new Situation("acme", null, false, Map.of()), decision.facts(), 8).changes();
    }

    @Test
    void aNewAgentIsStoredSignedOutWithTheAuditAndEveryTeamBoardShowsThem() {
        Decision decision = decide(new AdminRequest.AddAgent("mia", " Mia ", List.of("supervisor", "agent")),
                setup(null, Set.of(), DOUG, RHONDA));
        var enrolled = (Fact.AgentEnrolled) decision.facts().get(0);
        assertThat(enrolled.agent().name()).isEqualTo("Mia");
        assertThat(enrolled.agent().presence()).isEqualTo(Presence.OFFLINE);
        assertThat(enrolled.roles()).containsExactly("agent", "supervisor");
        assertThat(enrolled.audit()).isEqualTo(new AuditEntry("doug", AT, "create_agent", "mia", null,
                Map.of("id", "mia", "name", "Mia", "roles", List.of("agent", "supervisor"), "active", true)));
        assertThat(changes(decision)).singleElement().isInstanceOfSatisfying(StateChange.AgentChanged.class,
                change -> assertThat(change.agent().id()).isEqualTo("mia"));
    }

    @Test
    void anAgentIdTheTenantHasIsAConflictAndBadInputIsRefusedWithTheReason() {
        assertThat(decide(new AdminRequest.AddAgent("rhonda", "R", List.of("agent")),
                setup(null, Set.of(), DOUG, RHONDA)).rejection().code()).isEqualTo(ErrorCode.AGENT_EXISTS);
        Decision spaces = decide(new AdminRequest.AddAgent("jo march", "Jo", List.of("agent")),
                setup(null, Set.of(), DOUG));
        assertThat(spaces.rejection().code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(spaces.rejection().message()).contains("'jo march' is not valid");
        Decision noAgentRole = decide(new AdminRequest.AddAgent("mia", "Mia", List.of("admin")),
                setup(null, Set.of(), DOUG));
        assertThat(noAgentRole.rejection().message()).contains("roles must include 'agent'");
        assertThat(decide(new AdminRequest.AddAgent("mia", " ", List.of("agent")), setup(null, Set.of(), DOUG))
                .rejection().message()).contains("name must be");
        assertThat(decide(new AdminRequest.ChangeAgent("nobody", "N", null, null), setup(null, Set.of(), DOUG))
                .rejection().code()).isEqualTo(ErrorCode.UNKNOWN_AGENT);
    }

    @Test
    void aDeactivatedAgentLeavesTheTeamBoardsAndAnAgentOnACallIsNotDeactivated() {
        Decision deactivated = decide(new AdminRequest.ChangeAgent("rhonda", null, null, false),
                setup(null, Set.of(), DOUG, RHONDA));
        assertThat(changes(deactivated)).singleElement().isEqualTo(new StateChange.AgentRemoved("acme", 8, "rhonda"));
        assertThat(((Fact.AgentEdited) deactivated.facts().get(0)).audit().before())
                .isEqualTo(Map.of("id", "rhonda", "name", "Rhonda", "roles", List.of("agent"), "active", true));

        var talking = new TenantSetup.Member(agent("rhonda", true, AgentStatus.BUSY), List.of("agent"));
        Decision busy = decide(new AdminRequest.ChangeAgent("rhonda", null, null, false),
                setup(null, Set.of(), DOUG, talking));
        assertThat(busy.rejection().code()).isEqualTo(ErrorCode.AGENT_BUSY);
    }

    @Test
    void theLastActiveAdminKeepsTheRole() {
        assertThat(decide(new AdminRequest.ChangeAgent("doug", null, List.of("agent"), null),
                setup(null, Set.of(), DOUG, RHONDA)).rejection().code()).isEqualTo(ErrorCode.LAST_ADMIN);
        assertThat(decide(new AdminRequest.ChangeAgent("doug", null, null, false), setup(null, Set.of(), DOUG, RHONDA))
                .rejection().code()).isEqualTo(ErrorCode.LAST_ADMIN);
        var secondAdmin = new TenantSetup.Member(RHONDA.agent(), List.of("agent", "admin"));
        assertThat(decide(new AdminRequest.ChangeAgent("doug", null, List.of("agent"), null),
                setup(null, Set.of(), DOUG, secondAdmin)).rejected()).isFalse();
    }

    @Test
    void aNumberIsE164AndReachesOneTenant() {
        assertThat(decide(new AdminRequest.AddNumber("5005550007"), setup(null, Set.of(), DOUG)).rejection().code())
                .isEqualTo(ErrorCode.INVALID_NUMBER);
        assertThat(decide(new AdminRequest.AddNumber("+15005550007"), setup("globex", Set.of(), DOUG)).rejection()
                .code()).isEqualTo(ErrorCode.NUMBER_TAKEN);
        Decision added = decide(new AdminRequest.AddNumber("+15005550007"), setup(null, Set.of(), DOUG));
        assertThat(changes(added)).singleElement().isInstanceOfSatisfying(StateChange.TenantChanged.class,
                change -> assertThat(change.numbers()).containsExactly("+15005550006", "+15005550007"));
        assertThat(decide(new AdminRequest.RemoveNumber("+15005550099"), setup(null, Set.of(), DOUG)).rejection()
                .code()).isEqualTo(ErrorCode.NUMBER_NOT_FOUND);
    }

    @Test
    void aSlotRangeThatLeavesOutAParkedCallIsRefusedAndSoIsATimeOutOfRange() {
        TenantSettings narrower = new TenantSettings(701, 705, null, null, null, 20, SETTINGS.queue());
        Decision refused = decide(new AdminRequest.ChangeSettings(narrower), setup(null, Set.of(703, 712), DOUG));
        assertThat(refused.rejection().code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(refused.rejection().message()).contains("Slot [712] holds a parked call outside 701..705");
        assertThat(decide(new AdminRequest.ChangeSettings(new TenantSettings(701, 720, 0, null, null, 20,
                SETTINGS.queue())), setup(null, Set.of(), DOUG)).rejection().message()).contains("parkTimeoutSeconds");
        var badZone = new TenantSettings.Queue(null, "voicemail", null, "Mars/Olympus", null, List.of(), "voicemail",
                null, null, null);
        assertThat(decide(new AdminRequest.ChangeSettings(new TenantSettings(701, 720, null, null, null, 20, badZone)),
                setup(null, Set.of(), DOUG)).rejection().message()).contains("'Mars/Olympus' is not a time zone");
    }

    @Test
    void settingsAreStoredAsTheyWillBeReadAndAnnouncedWhole() {
        var queue = new TenantSettings.Queue(60, "forward", "+15005550123", "Europe/Berlin",
                Map.of("mon", List.of("09:00-17:00")), List.of(), "message", "We are closed.", null, null);
        TenantSettings wanted = new TenantSettings(701, 705, 90, 10, 0, 30, queue);
        Decision changed = decide(new AdminRequest.ChangeSettings(wanted), setup(null, Set.of(703), DOUG));
        assertThat(((Fact.SettingsChanged) changed.facts().get(0)).settings()).isEqualTo(wanted);
        assertThat(changes(changed)).singleElement().isEqualTo(new StateChange.TenantChanged("acme", 8,
                List.of("+15005550006"), wanted));
        assertThat(decide(new AdminRequest.ChangeSettings(SETTINGS), setup(null, Set.of(), DOUG)).facts()).isEmpty();
    }

    @Test
    void theTenantsOwnTimesReplaceTheServicesInDecisions() {
        var rules = new TenantRules(null, false, java.time.Duration.ofSeconds(300), null,
                java.time.Duration.ofSeconds(5));
        var parked = DeciderSpec.given().connectedTo("doug").lot(701, 720).rules(rules)
                .when(new Input.Park(DeciderSpec.CALL, "doug", AT)).decision();
        var fact = (Fact.CallParked) parked.facts().get(0);
        assertThat(fact.deadline()).isEqualTo(AT.plusSeconds(300));
        assertThat(fact.wrapUpUntil()).isEqualTo(AT.plusSeconds(5));
    }
}
